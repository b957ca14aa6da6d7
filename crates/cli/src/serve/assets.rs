//! The front end, embedded in the binary: plain HTML, CSS and JavaScript modules from
//! `crates/cli/assets/`, built by nothing (no Node.js, no bundler), served from memory by name.
//! Nothing is read from disk and nothing is fetched from the network: the page's content
//! security policy allows only the server itself.

/// An embedded file: its name under `/assets/`, its content type and its bytes.
pub struct Asset {
    /// Its name.
    pub name: &'static str,
    /// Its content type.
    pub content_type: &'static str,
    /// Its text.
    pub text: &'static str,
}

/// The page every view is drawn in.
pub const INDEX: &str = include_str!("../../assets/index.html");

/// Every asset.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("../../assets/app.js"),
    },
    Asset {
        name: "editor.js",
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("../../assets/editor.js"),
    },
    Asset {
        name: "timeline.js",
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("../../assets/timeline.js"),
    },
    Asset {
        name: "views.js",
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("../../assets/views.js"),
    },
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        text: include_str!("../../assets/style.css"),
    },
];

/// The asset of this name.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The content security policy of every answer: the server's own scripts, styles and data,
/// nothing from elsewhere, no frames.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
