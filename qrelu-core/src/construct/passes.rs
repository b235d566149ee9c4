//! The passes every constructed network goes through after it is built,
//! chained in [`run`] in the order they apply (the way pest's optimizer
//! chains its passes in one place). Each pass keeps the function the
//! network computes; tests check each one.

use crate::net::Net;

#[cfg(test)]
thread_local! {
    /// The weights of the last network [`run`] received, before any pass
    /// (tests compare the size guard's dry run with it).
    pub(crate) static UNPASSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs every pass on `net`, in order:
///
/// 1. **dead units**: every hidden unit from which no path reaches the
///    output is removed (a constant chain longer than any reader, a gate
///    whose product was pruned), the rest renumbered in order.
pub(crate) fn run(mut net: Net) -> Net {
    #[cfg(test)]
    UNPASSED.with(|p| p.set(crate::metrics::metrics(&net).weights));
    net.remove_dead_units();
    net
}
