//! QR codes as SVG files, generated at build time (no outside service).
//! One per programme page, under `print/qr/`, shared by all its letters.

use qrcode::render::svg;
use qrcode::QrCode;

pub fn svg(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(96, 96)
            .dark_color(svg::Color("#000"))
            .light_color(svg::Color("#fff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_an_svg_document() {
        let s = super::svg("https://zizhu.example.gov.cn/programmes/gaozhong-zhuxuejin/").unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg") && s.ends_with("</svg>"), "{s}");
    }
}
