// Each function takes its number of arguments: one, or two for min and max.
qrelu::qrelu! {
    pub net Two(x, y) = log(x, y) where r = 6;
    pub net One(x) = max(x) where r = 6;
    pub net Nullary(x) = exp() + x where r = 6;
}

fn main() {}
