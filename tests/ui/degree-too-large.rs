// Targets are expanded exactly; their total degree is at most 64.
qrelu::qrelu! {
    pub net Huge(x) = x^65 where r = 6, lambda = 2;
    pub net Product(x, y) = (x*y)^40 + x^40*y^40 where r = 6, lambda = 2;
}

fn main() {}
