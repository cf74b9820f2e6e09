// The application protocol the peers speak inside their TLS session (wire/PROTOCOL.md,
// "Application protocol"). Frames use the common frame format (wire/frame.h); this header
// holds the types, limits and the explicit encoders and strict decoders.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "wire/codec.h"
#include "wire/frame.h"
#include "wire/result.h"

namespace duet::wire::app {

// 3: a file's SHA-256 comes in FILE_DONE, not FILE_OFFER (the sender hashes as it sends);
// 2 had it in the offer; 1 had no SAS code exchange before HELLO (PROTOCOL.md 3.1).
inline constexpr uint16_t kProtocolVersion = 3;
inline constexpr size_t kMaxNameBytes = 64;
inline constexpr size_t kMaxRoomBytes = 64;
inline constexpr size_t kMaxClientVersionBytes = 32;
inline constexpr size_t kMaxTextBytes = 65536;
inline constexpr size_t kMaxFileNameBytes = 255;
inline constexpr size_t kMaxChunkBytes = 65536;
inline constexpr uint32_t kMaxAppPayload = 65536 + 1024;
// File transfer flow control (PROTOCOL.md, "File transfer"): the sender keeps at most
// kFileWindowBytes unacknowledged; the receiver acknowledges at least every kFileAckBytes.
inline constexpr uint64_t kFileWindowBytes = 8u << 20;
inline constexpr uint64_t kFileAckBytes = 1u << 20;
inline constexpr uint32_t kCapFiles = 1u << 0;
inline constexpr uint32_t kCapReceipts = 1u << 1;
inline constexpr uint32_t kCapFolders = 1u << 2;  // FOLDER_OFFER, FOLDER_FILE, FOLDER_END
// A folder's entries (PROTOCOL.md 4.2): a path of at most kMaxFolderDepth names, kMaxPathBytes
// bytes in all; at most kMaxFolderEntries files and empty folders.
inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxFolderDepth = 32;
inline constexpr uint32_t kMaxFolderEntries = 100'000;

enum class Type : uint8_t {
  kHello = 0x10,
  kMessage = 0x11,
  kReceipt = 0x12,
  kFileOffer = 0x20,
  kFileAccept = 0x21,
  kFileDecline = 0x22,
  kFileChunk = 0x23,
  kFileDone = 0x24,
  kFileCancel = 0x25,
  kFileResult = 0x26,
  kFileAck = 0x27,
  kFolderOffer = 0x28,
  kFolderFile = 0x29,
  kFolderEnd = 0x2A,
  kPing = 0x30,
  kPong = 0x31,
  kBye = 0x3F,
  kSasCommit = 0x40,
  kSasNonce = 0x41,
  kSasReveal = 0x42,
  kCodeShare = 0x43,
  kCodeConfirm = 0x44,
};

using Id = std::array<uint8_t, 16>;
using Sha256 = std::array<uint8_t, 32>;

struct Hello {
  uint16_t version = kProtocolVersion;
  std::string name;            // 1..64 bytes UTF-8
  std::string room;            // 0..64 bytes [A-Za-z0-9._-]
  std::string client_version;  // 0..32 bytes printable ASCII
  uint32_t capabilities = 0;
};
struct ChatMessage {
  Id id{};
  uint64_t timestamp_ms = 0;
  std::string text;  // 1..65536 bytes UTF-8
};
struct Receipt {
  Id id{};
};
struct FileOffer {
  Id transfer_id{};
  uint64_t size = 0;
  std::string name;  // 1..255 bytes UTF-8
};
struct FileAccept {
  Id transfer_id{};
  uint64_t offset = 0;
};
struct FileDecline {
  Id transfer_id{};
};
struct FileChunk {
  Id transfer_id{};
  uint64_t offset = 0;
  Bytes data;  // 1..65536 bytes
};
// After the last chunk: the SHA-256 of all `size` bytes, including those sent in earlier sessions.
struct FileDone {
  Id transfer_id{};
  Sha256 sha256{};
};
struct FileCancel {
  Id transfer_id{};
};
// 3: the receiver has no room for the file (it keeps what arrived, to resume); 4: the receiver
// declined the offer automatically, as larger than it accepts without asking.
enum class FileStatus : uint8_t {
  kSaved = 0,
  kIntegrityMismatch = 1,
  kWriteFailed = 2,
  kNoSpace = 3,
  kOverLimit = 4,
};
struct FileResult {
  Id transfer_id{};
  FileStatus status = FileStatus::kSaved;
};
// The receiver has written (and hashed) every byte below `offset`: the sender's window moves.
struct FileAck {
  Id transfer_id{};
  uint64_t offset = 0;
};
// A folder sent whole (PROTOCOL.md 4.2): one offer for its `entries` files and empty folders,
// `size` bytes in all, under the folder's base name.
struct FolderOffer {
  Id folder_id{};
  uint32_t entries = 0;
  uint64_t size = 0;
  std::string name;  // 1..255 bytes UTF-8
};
// One entry of an offered folder: a file (a FILE_OFFER with its path in the folder), or an empty
// folder (a path ending in '/', size 0). The rest of its transfer is that of a file.
struct FolderFile {
  Id transfer_id{};
  Id folder_id{};
  uint64_t size = 0;
  std::string path;  // 1..4096 bytes UTF-8, relative, '/' between names (IsValidFolderPath)
};
// The whole folder ends: every entry answered (kComplete, from the sender), or the folder was
// cancelled, declined, over the receiver's automatic limit, too large for its disk, or the
// receiver could not create it.
enum class FolderStatus : uint8_t {
  kComplete = 0,
  kCancelled = 1,
  kDeclined = 2,
  kOverLimit = 3,
  kNoSpace = 4,
  kWriteFailed = 5,
};
struct FolderEnd {
  Id folder_id{};
  FolderStatus status = FolderStatus::kComplete;
};
// A FOLDER_FILE path: names separated by single '/', none empty, "." or "..", at most
// kMaxFolderDepth of them, an optional final '/' (an empty folder). Pure.
bool IsValidFolderPath(std::string_view path);
struct Ping {
  uint64_t nonce = 0;
};
struct Pong {
  uint64_t nonce = 0;
};
struct Bye {
  uint8_t reason = 0;  // 0 user left, 1 verification failed, 2 key rejected, 3 code mismatch
};
// The SAS commitment exchange (PROTOCOL.md 3.1), before HELLO.
using SasNonceBytes = std::array<uint8_t, 32>;
struct SasCommit {
  SasNonceBytes commitment{};  // SHA-256("duet-sas-commit-v2" || the client's nonce)
};
struct SasNonce {
  SasNonceBytes nonce{};  // the server's nonce
};
struct SasReveal {
  SasNonceBytes nonce{};  // the client's nonce, opening its commitment
};

// The code check (PROTOCOL.md 3.2), before the SAS exchange, only when both hold a code: CPace
// over ristretto255 (crypto/cpace.h).
struct CodeShare {
  std::array<uint8_t, 32> share{};        // the sender's CPace share (Ya or Yb)
  std::array<uint8_t, 32> fingerprint{};  // the sender's key (its CPace associated data)
};
struct CodeConfirm {
  std::array<uint8_t, 64> tag{};  // the sender's key confirmation
};

using AppMessage = std::variant<Hello, ChatMessage, Receipt, FileOffer, FileAccept, FileDecline,
                                FileChunk, FileDone, FileCancel, FileResult, FileAck, FolderOffer,
                                FolderFile, FolderEnd, Ping, Pong, Bye, SasCommit, SasNonce,
                                SasReveal, CodeShare, CodeConfirm>;

// A whole frame. Values out of their limits are our own bug (asserted), never sent.
Bytes EncodeAppMessage(const AppMessage& msg);
void AppendAppMessage(Bytes& out, const AppMessage& msg);
// The bulk path: appends a FILE_CHUNK frame straight from a view, without an extra copy.
void AppendFileChunk(Bytes& out, const Id& transfer_id, uint64_t offset, ByteView data);
// Appends the header of a FILE_CHUNK frame carrying `n` (1..65536) bytes and grows `out` by n;
// returns those n bytes for the caller to fill in place (e.g. straight from a file).
std::span<uint8_t> PrepareFileChunk(Bytes& out, const Id& transfer_id, uint64_t offset, size_t n);

// FILE_CHUNK without copying its data: `data` views the payload, which must outlive it.
struct FileChunkView {
  Id transfer_id{};
  uint64_t offset = 0;
  ByteView data;
};
// The payload of a FILE_CHUNK frame, with the same checks as DecodeAppMessage; `data` views
// `payload`.
Result<FileChunkView> DecodeFileChunkView(ByteView payload);

// Strict: the exact layout, every length within its limit, UTF-8 where stated, no trailing
// bytes. Anything else is BAD_MESSAGE with a sentence naming what was wrong.
Result<AppMessage> DecodeAppMessage(const Frame& frame);
Result<AppMessage> DecodeAppMessage(uint8_t type, ByteView payload);

std::string_view AppTypeName(uint8_t type);

}  // namespace duet::wire::app
