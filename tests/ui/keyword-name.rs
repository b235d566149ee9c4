// Keywords are not names; most can be written as raw identifiers.
qrelu::qrelu! {
    pub net type(x) = x^2 where r = 6;
}

qrelu::qrelu! {
    pub net Self(x) = x^2 where r = 6;
}

qrelu::qrelu! {
    pub net Square(x, match) = x^2 where r = 6;
}

qrelu::qrelu! {
    pub net Square(self) = self^2 where r = 6;
}

// raw identifiers are fine
qrelu::qrelu! {
    #[allow(non_camel_case_types)]
    pub net r#type(r#match) = r#match^2 where r = 6;
}

fn main() {
    let _: f64 = r#type::eval(0.5);
}
