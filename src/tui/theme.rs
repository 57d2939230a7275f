//! Colours and emphasis. Honours `NO_COLOR` (emphasis only: bold, reverse,
//! underline), and maps the codebook's colours to the 16 basic ones when
//! the terminal does not say it has 24-bit colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    None,
    Basic16,
    TrueColor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub depth: Depth,
    pub palette: Palette,
}

/// The colours that are not the codebook's: the user may override each in
/// the config file's `[colors]` (see `tui/config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Coder n's mark, in concord.toml order (cycling after the sixth).
    pub coders: [Color; 6],
    pub dim: Color,
    pub warn: Color,
    pub error: Color,
    pub success: Color,
    /// The background of text every coder took in.
    pub overlap: Color,
}

impl Default for Palette {
    fn default() -> Palette {
        Palette {
            coders: [
                Color::Cyan,
                Color::Magenta,
                Color::Yellow,
                Color::Green,
                Color::Blue,
                Color::Red,
            ],
            dim: Color::DarkGray,
            warn: Color::Yellow,
            error: Color::Red,
            success: Color::Green,
            overlap: Color::Gray,
        }
    }
}

impl Theme {
    /// From the environment: `NO_COLOR` (any non-empty value) and `COLORTERM`.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let truecolor = std::env::var("COLORTERM")
            .map(|v| v == "truecolor" || v == "24bit")
            .unwrap_or(false);
        Theme {
            depth: if no_color {
                Depth::None
            } else if truecolor {
                Depth::TrueColor
            } else {
                Depth::Basic16
            },
            palette: Palette::default(),
        }
    }

    pub fn plain() -> Theme {
        Theme {
            depth: Depth::None,
            palette: Palette::default(),
        }
    }

    fn fg(&self, c: Color) -> Style {
        match self.depth {
            Depth::None => Style::default(),
            _ => Style::default().fg(self.fit(c)),
        }
    }

    /// A colour the terminal can show: `#rrggbb` from the config becomes
    /// the nearest basic colour without 24-bit colour.
    fn fit(&self, c: Color) -> Color {
        match (self.depth, c) {
            (Depth::Basic16, Color::Rgb(r, g, b)) => nearest_basic(r, g, b),
            _ => c,
        }
    }

    /// A code's own colour, from its `#rrggbb`.
    pub fn code(&self, hex: &str) -> Style {
        let Some((r, g, b)) = parse_hex(hex) else {
            return Style::default();
        };
        match self.depth {
            Depth::None => Style::default(),
            Depth::TrueColor => Style::default().fg(Color::Rgb(r, g, b)),
            Depth::Basic16 => Style::default().fg(nearest_basic(r, g, b)),
        }
    }

    /// The mark of coder `i` (0-based): gutter and one-coder-only text.
    pub fn coder(&self, i: usize) -> Style {
        match self.depth {
            Depth::None => {
                // Without colour, coders differ by emphasis.
                const MODS: [Modifier; 3] = [Modifier::UNDERLINED, Modifier::ITALIC, Modifier::DIM];
                Style::default().add_modifier(MODS[i % MODS.len()])
            }
            _ => Style::default().fg(self.fit(self.palette.coders[i % self.palette.coders.len()])),
        }
    }

    /// Text every coder covered.
    pub fn overlap(&self) -> Style {
        match self.depth {
            Depth::None => Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            _ => Style::default()
                .fg(Color::Black)
                .bg(self.fit(self.palette.overlap))
                .add_modifier(Modifier::BOLD),
        }
    }

    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        match self.depth {
            Depth::None => Style::default(),
            _ => Style::default().fg(self.fit(self.palette.dim)),
        }
    }
    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }
    pub fn success(&self) -> Style {
        self.fg(self.palette.success)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }
    pub fn added(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::UNDERLINED)
    }
    pub fn removed(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::CROSSED_OUT)
    }
}

fn parse_hex(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// The nearest of the 16 basic terminal colours (xterm's defaults).
fn nearest_basic(r: u8, g: u8, b: u8) -> Color {
    const PALETTE: [(Color, (i32, i32, i32)); 12] = [
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::LightRed, (255, 85, 85)),
        (Color::LightGreen, (85, 255, 85)),
        (Color::LightYellow, (255, 255, 85)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 85, 255)),
        (Color::LightCyan, (85, 255, 255)),
    ];
    // Black, white and greys are left out: they vanish on one background or the other.
    let (r, g, b) = (r as i32, g as i32, b as i32);
    PALETTE
        .iter()
        .min_by_key(|(_, (pr, pg, pb))| (r - pr).pow(2) + (g - pg).pow(2) + (b - pb).pow(2))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_means_no_colour() {
        let t = Theme::plain();
        assert_eq!(t.code("#ff0000"), Style::default());
        assert_eq!(t.coder(0).fg, None);
    }

    #[test]
    fn basic_colours_are_nearest() {
        let t = Theme {
            depth: Depth::Basic16,
            palette: Palette::default(),
        };
        assert_eq!(t.code("#e93541").fg, Some(Color::LightRed));
        assert_eq!(t.code("#3162d3").fg, Some(Color::LightBlue));
    }
}
