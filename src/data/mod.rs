//! Recipient data files as staff really make them: decoding (UTF-8, BOM,
//! GBK/GB18030, UTF-16), CSV and Excel reading, cell normalisation, and the
//! checks on ID numbers and amounts.

pub mod amount;
pub mod csv_file;
pub mod decode;
pub mod idnum;
pub mod normalise;
pub mod table;
