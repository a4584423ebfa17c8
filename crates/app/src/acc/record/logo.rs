//! The accreditation mark (ACC-13).

#[allow(unused_imports)]
use super::*;

/// The accreditation logo (認定ロゴマーク) as SVG: drawn for this project, in the defined colours; the
/// accreditation number is printed under the mark.
pub fn logo_svg(number: &str) -> String {
    let number: String = number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="280" viewBox="0 0 240 280" role="img" aria-labelledby="t">
<title id="t">MH認定 認定ロゴマーク {number}</title>
<circle cx="120" cy="120" r="110" fill="#ffffff" stroke="#1f5f8b" stroke-width="10"/>
<circle cx="120" cy="120" r="88" fill="#1f5f8b"/>
<path d="M120 178 C 60 140, 62 86, 96 80 C 108 78, 116 86, 120 96 C 124 86, 132 78, 144 80 C 178 86, 180 140, 120 178 Z" fill="#f4a93b"/>
<path d="M84 118 L 110 144 L 158 96" fill="none" stroke="#ffffff" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>
<text x="120" y="60" font-family="sans-serif" font-size="22" font-weight="bold" fill="#ffffff" text-anchor="middle">MH認定</text>
<text x="120" y="262" font-family="sans-serif" font-size="18" fill="#1f5f8b" text-anchor="middle">{number}</text>
</svg>
"##
    )
}
