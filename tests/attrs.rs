//! Attributes on a `net`: conditional compilation (`cfg`, `cfg_attr`)
//! reaches every generated item, so a net is compiled entirely or not at
//! all; docs, derives and other attributes reach the struct, and a derive
//! of a trait the macro derives anyway is dropped, not a conflict.
// generated code that named a deprecated net without allowing it would fail
#![deny(deprecated)]

use std::cmp::Ordering;

use qrelu::{CheckError, NetInfo, Network, Scalar};

qrelu::qrelu! {
    /// Never compiled: the struct and both impl blocks vanish.
    #[cfg(any())]
    pub net Gone(x) = x^2 where r = 3;
    /// Compiled.
    #[cfg(all())]
    pub net Present(x) = x^2 where r = 3;
    /// `cfg_attr` that expands to a `cfg`: as `cfg`.
    #[cfg_attr(all(), cfg(any()))]
    pub net AlsoGone(x) = x^2 where r = 3;
    #[cfg_attr(any(), cfg(any()))]
    pub net AlsoPresent(x) = x^2 where r = 3;
    /// `Clone` is derived anyway; `PartialOrd` and `Ord` are added.
    #[derive(Clone, PartialOrd, Ord)]
    pub net Ordered(x) = x^2 where r = 3;
    /// Every trait here is derived anyway, however it is spelled.
    #[derive(::core::fmt::Debug, std::hash::Hash, Copy, Default, PartialEq, Eq)]
    pub net AllDerived(x) = x^2 where r = 3;
    #[cfg_attr(all(), derive(Clone, PartialOrd))]
    pub net CfgDerived(x) = x^2 where r = 3;
    /// The generated impls name the struct without a deprecation warning.
    #[deprecated = "use `Present`"]
    pub net Old(x) = x^2 where r = 3;
}

// The vanished nets leave their names free: these items would conflict
// with any struct, constant, function or trait impl the macro left behind.
struct Gone;
struct AlsoGone;

impl Gone {
    const INFO: &'static str = "mine";

    fn eval() -> u8 {
        1
    }
}

macro_rules! own_network {
    ($name:ident) => {
        impl Network for $name {
            const INFO: NetInfo = qrelu::__private::STUB_INFO;
            const JSON: &'static str = "mine";
            fn eval_at<T: Scalar>(_: &[T]) -> Result<T, CheckError> {
                Err(CheckError::Dimension {
                    expected: 0,
                    found: 0,
                })
            }
            fn target_at<T: Scalar>(_: &[T]) -> Result<T, CheckError> {
                Err(CheckError::Dimension {
                    expected: 0,
                    found: 0,
                })
            }
        }
    };
}
own_network!(Gone);
own_network!(AlsoGone);

#[test]
fn cfg_removes_or_keeps_every_item() {
    assert_eq!((Gone::INFO, Gone::eval()), ("mine", 1));
    assert_eq!(<Gone as Network>::JSON, "mine");
    assert_eq!(<AlsoGone as Network>::JSON, "mine");
    assert_eq!(Present::eval(0.5), 0.25);
    assert_eq!(<Present as Network>::INFO.name, "Present");
    assert_eq!(AlsoPresent::eval_at(&[0.5]), Ok(0.25));
}

/// Compiles when `N` has every derive the macro promises.
fn derives_all<N: Clone + Copy + std::fmt::Debug + Default + PartialEq + Eq + std::hash::Hash>() {}

#[test]
fn derives_of_derived_traits_are_dropped_and_others_kept() {
    let ordered = Ordered;
    #[allow(clippy::clone_on_copy)]
    let copy = ordered.clone();
    assert_eq!(ordered.cmp(&copy), Ordering::Equal);
    derives_all::<AllDerived>();
    derives_all::<Ordered>();
    derives_all::<CfgDerived>();
    assert_eq!(format!("{:?}", AllDerived), "AllDerived");
    assert_eq!(CfgDerived.partial_cmp(&CfgDerived), Some(Ordering::Equal));
    assert_eq!(Ordered::eval(0.5), Present::eval(0.5));
}

#[test]
#[allow(deprecated)]
fn deprecated_nets_work() {
    assert_eq!(Old::eval(0.5), 0.25);
}
