// Net names must differ (`r#F` is `F`); each repeat is one error, and the
// first definition's items still exist.
qrelu::qrelu! {
    pub net F(x) = x^2 where r = 6;
    pub net F(y) = y^2 where r = 6;
    pub net r#F(x, y) = x*y where r = 6;
}

fn main() {
    let _: f64 = F::eval(0.5);
}
