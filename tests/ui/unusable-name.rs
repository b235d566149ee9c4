// Names the generated code cannot use: prelude variants, primitive types,
// the type parameter `T`, the 2024 keyword `gen`, and names shared between a
// net (a unit struct) and an input, which would be read as that struct.
#![allow(non_camel_case_types)]
qrelu::qrelu! {
    pub net Options(None, Some, u) = u^2 where r = 6;
    pub net Results(Ok, Err) = Ok*Err where r = 6;
    pub net None(u) = u^2 where r = 6;
    pub net f64(u) = u^2 where r = 6;
    pub net T(u) = u^2 where r = 6;
    pub net gen(u) = u^2 where r = 6;
    pub net Keyword(gen) = gen^2 where r = 6;
    pub net x(x) = x^2 where r = 6;
}

mod other {
    qrelu::qrelu! {
        pub net y(u) = u^2 where r = 6;
        pub net Uses(y, z) = y*z where r = 6;
        pub net AlsoUses(y) = y^2 where r = 6;
    }
}

fn main() {
    // the nets with usable names still exist, as stubs
    let _: f64 = Options::eval(0.5, 0.5, 0.5);
    let _: f64 = other::Uses::eval(0.5, 0.5);
}
