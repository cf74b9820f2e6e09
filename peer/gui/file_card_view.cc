#include "peer/gui/file_card_view.h"

#include <FL/Fl_GIF_Image.H>
#include <FL/Fl_JPEG_Image.H>
#include <FL/Fl_PNG_Image.H>
#include <FL/fl_draw.H>

#include <algorithm>
#include <fstream>

#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {

constexpr int kPad = 12;
constexpr int kBarH = 8;
constexpr int kButtonH = 28;
constexpr int kPreviewMaxW = 320;
constexpr int kPreviewMaxH = 220;
constexpr size_t kHeaderBytes = 64 * 1024;  // enough for a JPEG's SOF behind its EXIF

const char* Label(CardAction a) {
  switch (a) {
    case CardAction::kAccept: return "Accept";
    case CardAction::kDecline: return "Decline";
    case CardAction::kCancel: return "Cancel";
    case CardAction::kOpen: return "Open";
    case CardAction::kShowInFolder: return "Show in folder";
  }
  return "";
}

std::vector<CardAction> Actions(const FileCard& c) {
  if (c.CanAccept()) return {CardAction::kAccept, CardAction::kDecline};
  if (c.CanCancel()) return {CardAction::kCancel};
  if (c.CanOpen()) return {CardAction::kOpen, CardAction::kShowInFolder};
  return {};
}

// Decodes the image at `path` if its header says it is small enough; nullptr otherwise.
std::unique_ptr<Fl_Image> LoadPreview(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(kHeaderBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  std::optional<std::pair<int, int>> dims = ImageDimensions(head);
  if (!dims || !PreviewAllowed(bytes, *dims)) return nullptr;
  std::unique_ptr<Fl_Image> full;
  switch (SniffImage(head)) {
    case ImageKind::kPng: full = std::make_unique<Fl_PNG_Image>(path.c_str()); break;
    case ImageKind::kJpeg: full = std::make_unique<Fl_JPEG_Image>(path.c_str()); break;
    case ImageKind::kGif: full = std::make_unique<Fl_GIF_Image>(path.c_str()); break;
    case ImageKind::kNone: return nullptr;
  }
  if (full->fail() != 0 || full->w() <= 0 || full->h() <= 0) return nullptr;
  const auto [w, h] = FitInside(full->w(), full->h(), kPreviewMaxW, kPreviewMaxH);
  if (w == full->w() && h == full->h()) return full;
  return std::unique_ptr<Fl_Image>(full->copy(w, h));
}

int ButtonWidth(CardAction a) {
  fl_font(theme::kFont, theme::kSmall + 1);
  return static_cast<int>(fl_width(Label(a))) + 24;
}

}  // namespace

std::string_view CardActionName(CardAction a) {
  switch (a) {
    case CardAction::kAccept: return "accept";
    case CardAction::kDecline: return "decline";
    case CardAction::kCancel: return "cancel";
    case CardAction::kOpen: return "open";
    case CardAction::kShowInFolder: return "show";
  }
  return "";
}

Fl_Image* PreviewCache::Get(size_t index, const FileCard& card) {
  if (!card.CanOpen() || card.folder) return nullptr;
  auto it = images_.find(index);
  if (it == images_.end()) it = images_.emplace(index, LoadPreview(card.path)).first;
  return it->second.get();
}

bool PreviewCache::shown(size_t index) const {
  auto it = images_.find(index);
  return it != images_.end() && it->second != nullptr;
}

CardLayout LayoutCard(const FileCard& card, Fl_Image* preview, int max_w) {
  CardLayout l;
  l.w = std::min(max_w, 420);
  int y = kPad + 20 + 18;  // name, status
  if (card.bar_shown || card.state == FileState::kTransferring) y += 6 + kBarH;
  if (preview != nullptr) {
    l.preview_w = std::min(preview->w(), l.w - 2 * kPad);
    l.preview_h = preview->h();
    y += 10 + l.preview_h;
  }
  int bx = kPad;
  for (CardAction a : Actions(card)) {
    const int bw = ButtonWidth(a);
    l.buttons.push_back(CardButton{a, bx, y + 10, bw, kButtonH});
    bx += bw + 8;
  }
  if (!l.buttons.empty()) y += 10 + kButtonH;
  l.h = y + kPad;
  return l;
}

void DrawCard(const FileCard& c, const CardLayout& l, Fl_Image* preview, int x, int y,
              int64_t now_ms) {
  // Only a real failure is red; a decline or a cancel was someone's choice and stays neutral.
  const bool failed = c.state == FileState::kFailed;
  fl_draw_box(FL_RFLAT_BOX, x, y, l.w, l.h, failed ? theme::kDangerSoft : theme::kSurface);
  fl_color(failed ? theme::kDanger : theme::kBorder);
  fl_rect(x, y, l.w, l.h);
  // Name (cut to fit) and size (a folder's is known once it has been read).
  const bool unread = c.folder && c.state == FileState::kPreparing;
  const std::string size = unread ? "" : FormatBytes(c.size);
  fl_font(theme::kFont, theme::kSmall);
  const int size_w = static_cast<int>(fl_width(size.c_str()));
  fl_color(theme::kMuted);
  fl_draw(size.c_str(), x + l.w - kPad - size_w, y + kPad + 14);
  fl_font(theme::kBold, theme::kSize + 1);
  std::string name = (c.incoming ? "↓ " : "↑ ") + c.name + (c.folder ? "/" : "");
  const int name_max = l.w - 3 * kPad - size_w;
  while (name.size() > 4 && fl_width(name.c_str()) > name_max) {
    name.pop_back();
    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80)
      name.pop_back();
    if (!name.empty()) name.pop_back();
    name += "…";
  }
  fl_color(theme::kText);
  fl_draw(name.c_str(), x + kPad, y + kPad + 15);
  // Status line.
  const std::string status = StatusLine(c, now_ms);
  fl_font(theme::kFont, theme::kSmall);
  fl_color(failed ? theme::kDanger : c.state == FileState::kDone ? theme::kGood : theme::kMuted);
  fl_push_clip(x + kPad, y + kPad + 20, l.w - 2 * kPad, 18);
  fl_draw(status.c_str(), x + kPad, y + kPad + 34);
  fl_pop_clip();
  int cy = y + kPad + 38;
  if (c.bar_shown || c.state == FileState::kTransferring) {
    cy += 6;
    const int bw = l.w - 2 * kPad;
    fl_draw_box(FL_RFLAT_BOX, x + kPad, cy, bw, kBarH, theme::kPeerBubble);
    const int filled = static_cast<int>(bw * c.Fraction());
    if (filled > 0) {
      const Fl_Color fill = failed                        ? theme::kDanger
                            : c.Stopped()                 ? theme::kMuted
                            : c.state == FileState::kDone ? theme::kGood
                                                          : theme::kAccent;
      fl_draw_box(FL_RFLAT_BOX, x + kPad, cy, std::max(filled, kBarH), kBarH, fill);
    }
    cy += kBarH;
  }
  if (preview != nullptr) {
    cy += 10;
    fl_push_clip(x + kPad, cy, l.preview_w, l.preview_h);
    preview->draw(x + kPad, cy);
    fl_pop_clip();
  }
  for (const CardButton& b : l.buttons) {
    const bool primary = b.action == CardAction::kAccept || b.action == CardAction::kOpen;
    fl_draw_box(primary ? FL_RFLAT_BOX : FL_GTK_UP_BOX, x + b.x, y + b.y, b.w, b.h,
                primary ? theme::kAccent : theme::kSurface);
    fl_font(primary ? theme::kBold : theme::kFont, theme::kSmall + 1);
    fl_color(primary ? theme::kAccentText : theme::kText);
    fl_draw(Label(b.action), x + b.x, y + b.y, b.w, b.h, FL_ALIGN_CENTER, nullptr, 0);
  }
}

}  // namespace duet::peer::gui
