// Only the documented parameters are accepted; near misses get a suggestion.
qrelu::qrelu! {
    pub net Square(x) = x^2 where r = 6, depth = 3, Lambda = 2;
    pub net Cube(x) = x^3 where r = 6, λ = 2, type = taylor;
}

fn main() {}
