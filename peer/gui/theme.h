// The app's look: one palette, one set of fonts and sizes, applied once at start. Every screen
// takes its colours and fonts from here so the app looks like one thing.
//
// Main thread only (it sets FLTK's global colours and fonts).
#pragma once

#include <FL/Enumerations.H>

class Fl_Button;
class Fl_Input_;

namespace duet::peer::gui::theme {

// Palette (set by Apply(); plain values so widgets can be built before or after).
inline const Fl_Color kWindow = fl_rgb_color(0xF3, 0xF4, 0xF7);   // app background
inline const Fl_Color kSurface = fl_rgb_color(0xFF, 0xFF, 0xFF);  // cards, header, input
inline const Fl_Color kBorder = fl_rgb_color(0xDD, 0xE1, 0xE8);
inline const Fl_Color kText = fl_rgb_color(0x1F, 0x24, 0x2E);
inline const Fl_Color kMuted = fl_rgb_color(0x6B, 0x72, 0x80);
inline const Fl_Color kAccent = fl_rgb_color(0x25, 0x63, 0xEB);  // primary buttons, own bubbles
inline const Fl_Color kAccentText = fl_rgb_color(0xFF, 0xFF, 0xFF);
inline const Fl_Color kPeerBubble = fl_rgb_color(0xE6, 0xE9, 0xEF);
inline const Fl_Color kGood = fl_rgb_color(0x16, 0xA3, 0x4A);    // verified, secure
inline const Fl_Color kWarn = fl_rgb_color(0xD9, 0x77, 0x06);    // new, waiting
inline const Fl_Color kDanger = fl_rgb_color(0xDC, 0x26, 0x26);  // key changed, errors
inline const Fl_Color kDangerSoft = fl_rgb_color(0xFE, 0xE2, 0xE2);
inline const Fl_Color kWarnSoft = fl_rgb_color(0xFE, 0xF3, 0xC7);

// Fonts: FLTK's sans faces (DejaVu Sans through Xft) and an emoji face for pictographs.
inline constexpr Fl_Font kFont = FL_HELVETICA;
inline constexpr Fl_Font kBold = FL_HELVETICA_BOLD;
inline constexpr Fl_Font kMono = FL_COURIER;
inline constexpr Fl_Font kEmoji = FL_FREE_FONT;
inline constexpr int kSize = 14;
inline constexpr int kSmall = 12;
inline constexpr int kTitle = 20;

// A label type that draws text as it is: no "@symbol" or "&" shortcut processing, for any label
// that holds a name or a sentence from the peer.
inline constexpr Fl_Labeltype kPlainLabel = FL_FREE_LABELTYPE;

// Sets the scheme, FLTK's background/foreground/selection colours and the emoji font.
void Apply();

// A primary (filled accent) or secondary (outlined) button look.
void StylePrimary(Fl_Button* b);
void StyleSecondary(Fl_Button* b);
void StyleDanger(Fl_Button* b);
// A text field with the app's look.
void StyleInput(Fl_Input_* in);

}  // namespace duet::peer::gui::theme
