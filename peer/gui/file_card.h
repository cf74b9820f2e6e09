// A file in the transcript, as plain data: what its card shows (name, size, state, progress,
// rate, time left, the buttons) and the small pure helpers behind it. No FLTK, no threads:
// tested without a display.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duet::peer::gui {

enum class FileState {
  kPreparing,     // outgoing: being opened, before it is queued (it is hashed as it is sent)
  kOffered,       // incoming: waiting for Accept or Decline; outgoing: waiting for the peer
  kTransferring,  // bytes flow
  kDone,          // incoming: saved and checked; outgoing: the peer saved it intact
  kFailed,        // integrity error, read or write error, the session ended under it
  kDeclined,      // the receiver said no (FILE_DECLINED): a choice, not a failure
  kCancelled,     // either side stopped it (FILE_CANCELLED): a choice, not a failure
};
// Stable names (the state dump prints them; tests read them): "preparing", "offered",
// "transferring", "done", "failed", "declined", "cancelled".
std::string_view FileStateName(FileState s);

struct FileCard {
  std::string id;  // the transfer id (32 hex digits); empty while an outgoing file is opened
  bool incoming = false;
  std::string name;
  uint64_t size = 0;
  // incoming: where it was saved (when done; a folder's as soon as it starts); outgoing: the
  // local file or folder
  std::string path;
  // A folder sent whole: one card for all its files. `id` is the folder's, `size` and `done`
  // count the bytes of all its files; `entries` are its files and empty folders.
  bool folder = false;
  uint64_t entries = 0;
  uint64_t entries_done = 0;  // ended, saved or failed
  uint64_t failed = 0;        // of them failed
  std::string current;        // the path in the folder of the file under way
  std::string failed_name;    // the path in the folder of the last file that failed
  FileState state = FileState::kPreparing;
  uint64_t done = 0;
  std::string error;  // kFailed, kDeclined, kCancelled: the session's sentence for it
  // kDeclined, kCancelled: the peer's name when it was the other side's choice; empty when it
  // was ours.
  std::string ended_by;
  // Rate: bytes and time since the transfer (re)started.
  uint64_t start_offset = 0;
  int64_t start_ms = 0;
  int64_t last_ms = 0;
  bool bar_shown = false;       // a progress bar was shown at least once
  bool answered = false;        // incoming offer: Accept or Decline pressed, the session answers
  bool stalled = false;         // the link stalled while this moved; cleared when bytes move again
  bool cancel_pressed = false;  // Cancel pressed here: the FILE_CANCELLED that follows is ours

  // 0..1
  double Fraction() const;
  bool CanAccept() const { return incoming && state == FileState::kOffered && !answered; }
  bool CanCancel() const {
    return state == FileState::kTransferring || (!incoming && state == FileState::kOffered);
  }
  bool CanOpen() const { return state == FileState::kDone && !path.empty(); }
  // Failed, declined or cancelled: no later event of the transfer changes it.
  bool Stopped() const {
    return state == FileState::kFailed || state == FileState::kDeclined ||
           state == FileState::kCancelled;
  }
};

// How a transfer that ended without the file is shown: kDeclined for FILE_DECLINED,
// kCancelled for FILE_CANCELLED, kFailed for every other code.
FileState StoppedState(const std::string& code);

// "1 file", "40 files" (a folder's entries: its files and empty folders).
std::string FormatEntries(uint64_t entries);

// "0 B", "999 B", "1.5 KB", "12 MB", "1.02 GB" (powers of 1000, three significant digits).
std::string FormatBytes(uint64_t bytes);
// "3.4 MB of 12 MB · 5.1 MB/s · 2 s left"; without a measurable rate yet just the amounts.
// `elapsed_ms`: since the transfer (re)started at `start_offset`.
std::string FormatProgress(uint64_t done, uint64_t size, uint64_t start_offset, int64_t elapsed_ms);
// "9 s", "2 min 05 s", "1 h 02 min".
std::string FormatDuration(int64_t seconds);
// The card's status line: "Wants to send you 12 MB", "Failed: ...", "Declined",
// "Cancelled by bob", "Saved and checked · 12 MB", ...; a folder's: "Wants to send you 40 files
// · 12 MB", "12 of 40 · 2024/beach.jpg", "Saved in /home/bob/Downloads/Album · 1 failed: x",
// "Delivered", ...
std::string StatusLine(const FileCard& card, int64_t now_ms);

// The paths in a drop (FL_PASTE text after a drag): one per line, "file://" URIs
// percent-decoded, other schemes and blank lines skipped.
std::vector<std::string> ParseDroppedPaths(std::string_view text);

enum class ImageKind { kNone, kPng, kJpeg, kGif };
// By the file's first bytes (the name is the peer's and can lie).
ImageKind SniffImage(std::string_view head);
// Width and height from the header (PNG IHDR, GIF screen descriptor, JPEG SOFn), so that an
// image is decoded only when it is small enough. nullopt when not found in `head`.
std::optional<std::pair<int, int>> ImageDimensions(std::string_view head);
// Whether a preview may be decoded: at most kMaxPreviewBytes on disk and kMaxPreviewPixels.
inline constexpr uint64_t kMaxPreviewBytes = 16u << 20;
inline constexpr int64_t kMaxPreviewPixels = 24'000'000;
bool PreviewAllowed(uint64_t file_bytes, std::pair<int, int> dims);
// Scales (w, h) to fit in (max_w, max_h), keeping the ratio; never enlarges.
std::pair<int, int> FitInside(int w, int h, int max_w, int max_h);

}  // namespace duet::peer::gui
