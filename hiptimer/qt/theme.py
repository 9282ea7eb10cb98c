"""Dark and light themes, and the phase colours and labels the player uses.

Phases differ by colour AND by text and symbol, so a colour-blind person
(or a projector that washes colours out) can still tell prep from work
from rest. The colours are chosen to keep strong contrast with the text
drawn on them in both themes.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

#: theme -> step kind (plus "paused" and "finished") -> colour (#rrggbb).
PHASE_COLORS: Final[dict[str, dict[str, str]]] = {
    "dark": {
        "prep": "#f2b134",  # amber: get ready
        "work": "#3ecf6e",  # green: go
        "set_rest": "#4aa3ff",  # blue: breathe out
        "switch": "#c58cff",  # violet: change sides
        "rest": "#4aa3ff",
        "paused": "#9aa0a6",  # grey: nothing is running
        "finished": "#3ecf6e",
    },
    "light": {
        "prep": "#a86500",
        "work": "#1b8a3e",
        "set_rest": "#1f63c6",
        "switch": "#7d3cc9",
        "rest": "#1f63c6",
        "paused": "#5f6368",
        "finished": "#1b8a3e",
    },
}

#: step kind -> (label, symbol). The symbol is in DejaVu Sans and most UI fonts.
PHASE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "prep": ("GET READY", "◔"),
    "work": ("WORK", "●"),
    "set_rest": ("REST", "◌"),
    "switch": ("SWITCH SIDES", "⇄"),
    "rest": ("REST", "◌"),
    "paused": ("PAUSED", "❚❚"),
    "finished": ("DONE", "✓"),
}

#: theme -> role -> colour, for widgets that paint themselves.
SURFACE_COLORS: Final[dict[str, dict[str, str]]] = {
    "dark": {
        "window": "#15171a",
        "base": "#1d2024",
        "alt": "#24282d",
        "text": "#eceff1",
        "muted": "#a7adb3",
        "accent": "#4aa3ff",
        "error": "#ff6b6b",
        "button": "#2a2f35",
        "border": "#3a4047",
    },
    "light": {
        "window": "#f6f7f9",
        "base": "#ffffff",
        "alt": "#eef1f4",
        "text": "#15171a",
        "muted": "#5f6368",
        "accent": "#1f63c6",
        "error": "#c62828",
        "button": "#e4e7eb",
        "border": "#c5cad1",
    },
}


def phase_color(theme: str, kind: str) -> QColor:
    colors = PHASE_COLORS.get(theme, PHASE_COLORS["dark"])
    return QColor(colors.get(kind, colors["work"]))


def surface(theme: str, role: str) -> str:
    return SURFACE_COLORS.get(theme, SURFACE_COLORS["dark"])[role]


def _palette(name: str) -> QPalette:
    c = SURFACE_COLORS[name]
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["window"],
        QPalette.ColorRole.WindowText: c["text"],
        QPalette.ColorRole.Base: c["base"],
        QPalette.ColorRole.AlternateBase: c["alt"],
        QPalette.ColorRole.Text: c["text"],
        QPalette.ColorRole.Button: c["button"],
        QPalette.ColorRole.ButtonText: c["text"],
        QPalette.ColorRole.ToolTipBase: c["base"],
        QPalette.ColorRole.ToolTipText: c["text"],
        QPalette.ColorRole.PlaceholderText: c["muted"],
        QPalette.ColorRole.Highlight: c["accent"],
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: c["accent"],
        QPalette.ColorRole.BrightText: c["error"],
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(c["muted"]))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c["muted"]))
    return p


def stylesheet(name: str) -> str:
    c = SURFACE_COLORS[name]
    return f"""
QPushButton {{
    padding: 6px 16px; border-radius: 6px; border: 1px solid {c["border"]};
    background: {c["button"]}; color: {c["text"]};
}}
QPushButton:hover {{ border-color: {c["accent"]}; }}
QPushButton:disabled {{ color: {c["muted"]}; }}
QPushButton[primary="true"] {{
    background: {c["accent"]}; color: #ffffff; border-color: {c["accent"]};
    font-weight: bold;
}}
QPushButton:focus {{ border: 2px solid {c["text"]}; padding: 5px 15px; }}
QLineEdit {{
    padding: 6px 8px; border-radius: 6px; border: 1px solid {c["border"]};
    background: {c["base"]};
}}
QTreeView, QListView, QTableView {{ border: 1px solid {c["border"]}; border-radius: 6px; }}
QTreeView#library {{ font-size: 12pt; }}
QTreeView#library::item {{ padding: 7px 4px; }}
QTreeView#steps::item {{ padding: 2px 4px; }}
QLabel[role="muted"] {{ color: {c["muted"]}; }}
QLabel[role="error"] {{ color: {c["error"]}; }}
QLabel[role="title"] {{ font-size: 20pt; font-weight: bold; }}
"""


#: QApplication's own arguments for the Fusion style: given at its construction, the
#: style is made in C++ and Python never wraps a QStyle (which creates QStyle's ~600
#: enum members, about 5 ms on the way to the first paint).
FUSION_ARGS: Final[tuple[str, ...]] = ("-style", "Fusion")


def apply_theme(app: QApplication, name: str, *, set_style: bool = True) -> None:
    """Fusion style with our palette; unknown names fall back to dark. ``set_style``
    False: the app was made with FUSION_ARGS (the style is already Fusion)."""
    if name not in SURFACE_COLORS:
        name = "dark"
    if set_style:
        app.setStyle("Fusion")
    app.setPalette(_palette(name))
    app.setStyleSheet(stylesheet(name))
    app.setProperty("hiptimer_theme", name)


def current_theme(app: QApplication | None = None) -> str:
    """The theme applied last (for widgets that paint phase colours)."""
    inst = app or QApplication.instance()
    value = inst.property("hiptimer_theme") if inst is not None else None
    return value if isinstance(value, str) and value in SURFACE_COLORS else "dark"
