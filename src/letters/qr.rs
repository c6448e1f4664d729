//! QR codes as inline SVG, generated at build time (no outside service).

use qrcode::render::svg;
use qrcode::QrCode;

pub fn svg(url: &str) -> String {
    match QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color>()
            .min_dimensions(96, 96)
            .dark_color(svg::Color("#000"))
            .light_color(svg::Color("#fff"))
            .build()
            // The XML prolog is not allowed inside HTML.
            .split_once("?>")
            .map(|(_, rest)| rest.trim().to_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_inline_svg() {
        let s = super::svg("https://zizhu.example.gov.cn/programmes/gaozhong-zhuxuejin/");
        assert!(s.starts_with("<svg"), "{s}");
        assert!(s.ends_with("</svg>"));
    }
}
