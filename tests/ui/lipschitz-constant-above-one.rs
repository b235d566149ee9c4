// `structure = lipschitz` needs a Lipschitz constant at most 1 on [0, 1],
// proved from enclosures of f′ for any target; refused with a point where
// |f′| > 1 is proved.
qrelu::qrelu! {
    // |f′| = |2 cos(2x)| is 2 at x = 0
    pub net Fast(x) = sin(2*x) where structure = lipschitz, eps = 1/256;
    // within F_{1,1}: |f′| = |cos(3x)| <= 1
    pub net Wave(x) = sin(3*x)/3 where structure = lipschitz, eps = 1/512;
}

fn main() {}
