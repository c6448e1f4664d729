//! Notification letters (告知书) and the rest of the print bundle: one A4
//! letter per recipient with a receipt stub, batched by school and group,
//! receipt rosters, on-site publicity sheets and the print index. Written
//! under `print/`, never under `public/`.

pub mod compile;
pub mod fill;
pub mod fit;
pub mod print;
pub mod qr;
