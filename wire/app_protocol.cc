#include "wire/app_protocol.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "wire/relay_protocol.h"
#include "wire/utf8.h"

namespace duet::wire::app {
namespace {

Error Bad(std::string what) { return Error{"BAD_MESSAGE", std::move(what)}; }

void PutId(Writer& w, const Id& id) { w.Raw(ByteView(id)); }

bool GetArray(Reader& r, std::span<uint8_t> out) {
  ByteView v;
  if (!r.Raw(out.size(), v)) return false;
  std::copy(v.begin(), v.end(), out.begin());
  return true;
}

void PutString8(Writer& w, std::string_view s) {
  assert(s.size() <= 255);
  w.U8(static_cast<uint8_t>(s.size()));
  w.Raw(s);
}

struct Encoder {
  Writer& w;
  void operator()(const Hello& m) {
    assert(!m.name.empty() && m.name.size() <= kMaxNameBytes);
    w.U16(m.version);
    PutString8(w, m.name);
    PutString8(w, m.room);
    PutString8(w, m.client_version);
    w.U32(m.capabilities);
  }
  void operator()(const ChatMessage& m) {
    assert(!m.text.empty() && m.text.size() <= kMaxTextBytes);
    PutId(w, m.id);
    w.U64(m.timestamp_ms);
    w.U32(static_cast<uint32_t>(m.text.size()));
    w.Raw(m.text);
  }
  void operator()(const Receipt& m) { PutId(w, m.id); }
  void operator()(const FileOffer& m) {
    assert(!m.name.empty() && m.name.size() <= kMaxFileNameBytes);
    PutId(w, m.transfer_id);
    w.U64(m.size);
    w.U16(static_cast<uint16_t>(m.name.size()));
    w.Raw(m.name);
  }
  void operator()(const FileAccept& m) {
    PutId(w, m.transfer_id);
    w.U64(m.offset);
  }
  void operator()(const FileDecline& m) { PutId(w, m.transfer_id); }
  void operator()(const FileChunk& m) {
    assert(!m.data.empty() && m.data.size() <= kMaxChunkBytes);
    PutId(w, m.transfer_id);
    w.U64(m.offset);
    w.Raw(m.data);
  }
  void operator()(const FileDone& m) {
    PutId(w, m.transfer_id);
    w.Raw(ByteView(m.sha256));
  }
  void operator()(const FileCancel& m) { PutId(w, m.transfer_id); }
  void operator()(const FileResult& m) {
    PutId(w, m.transfer_id);
    w.U8(static_cast<uint8_t>(m.status));
  }
  void operator()(const FileAck& m) {
    PutId(w, m.transfer_id);
    w.U64(m.offset);
  }
  void operator()(const FolderOffer& m) {
    assert(!m.name.empty() && m.name.size() <= kMaxFileNameBytes);
    PutId(w, m.folder_id);
    w.U32(m.entries);
    w.U64(m.size);
    w.U16(static_cast<uint16_t>(m.name.size()));
    w.Raw(m.name);
  }
  void operator()(const FolderFile& m) {
    assert(IsValidFolderPath(m.path));
    PutId(w, m.transfer_id);
    PutId(w, m.folder_id);
    w.U64(m.size);
    w.U16(static_cast<uint16_t>(m.path.size()));
    w.Raw(m.path);
  }
  void operator()(const FolderEnd& m) {
    PutId(w, m.folder_id);
    w.U8(static_cast<uint8_t>(m.status));
  }
  void operator()(const Ping& m) { w.U64(m.nonce); }
  void operator()(const Pong& m) { w.U64(m.nonce); }
  void operator()(const Bye& m) { w.U8(m.reason); }
  void operator()(const SasCommit& m) { w.Raw(ByteView(m.commitment)); }
  void operator()(const SasNonce& m) { w.Raw(ByteView(m.nonce)); }
  void operator()(const SasReveal& m) { w.Raw(ByteView(m.nonce)); }
  void operator()(const CodeShare& m) {
    w.Raw(ByteView(m.share));
    w.Raw(ByteView(m.fingerprint));
  }
  void operator()(const CodeConfirm& m) { w.Raw(ByteView(m.tag)); }
};

constexpr Type kTypeOf[] = {
    Type::kHello,       Type::kMessage,   Type::kReceipt,  Type::kFileOffer,  Type::kFileAccept,
    Type::kFileDecline, Type::kFileChunk, Type::kFileDone, Type::kFileCancel, Type::kFileResult,
    Type::kFileAck,     Type::kFolderOffer, Type::kFolderFile, Type::kFolderEnd, Type::kPing,
    Type::kPong,        Type::kBye,       Type::kSasCommit, Type::kSasNonce,  Type::kSasReveal,
    Type::kCodeShare,   Type::kCodeConfirm};

// Reads a u8-length string of at most `max` bytes.
bool GetString8(Reader& r, size_t max, std::string& out) {
  uint8_t n = 0;
  return r.U8(n) && n <= max && r.Raw(n, out);
}

std::string Hex2(uint8_t t) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02X", t);
  return buf;
}

Result<FileChunkView> DecodeChunkBody(Reader& r) {
  FileChunkView m;
  if (!GetArray(r, m.transfer_id) || !r.U64(m.offset)) {
    return Bad("A FILE_CHUNK frame is truncated or too long.");
  }
  if (r.remaining() == 0 || r.remaining() > kMaxChunkBytes) {
    return Bad("A FILE_CHUNK frame carries no data or more than 65536 bytes.");
  }
  r.Raw(r.remaining(), m.data);
  return m;
}

Result<AppMessage> DecodeBody(Type type, Reader& r, const std::string& name) {
  const auto truncated = [&] { return Bad("A " + name + " frame is truncated or too long."); };
  switch (type) {
    case Type::kHello: {
      Hello m;
      if (!r.U16(m.version) || !GetString8(r, kMaxNameBytes, m.name) ||
          !GetString8(r, kMaxRoomBytes, m.room) ||
          !GetString8(r, kMaxClientVersionBytes, m.client_version) || !r.U32(m.capabilities)) {
        return truncated();
      }
      if (m.name.empty() || !IsValidUtf8(m.name)) {
        return Bad("A HELLO frame's name is empty or not valid UTF-8.");
      }
      if (!relay::IsValidRoomCode(m.room)) return Bad("A HELLO frame's room code is malformed.");
      if (!std::all_of(m.client_version.begin(), m.client_version.end(),
                       [](char c) { return c >= 0x20 && c < 0x7f; })) {
        return Bad("A HELLO frame's client version is not printable ASCII.");
      }
      if (!r.done()) return truncated();
      return AppMessage(std::move(m));
    }
    case Type::kMessage: {
      ChatMessage m;
      uint32_t len = 0;
      if (!GetArray(r, m.id) || !r.U64(m.timestamp_ms) || !r.U32(len)) return truncated();
      if (len == 0 || len > kMaxTextBytes) {
        return Bad("A MESSAGE frame's text is empty or longer than 65536 bytes.");
      }
      if (!r.Raw(len, m.text) || !r.done()) return truncated();
      if (!IsValidUtf8(m.text)) return Bad("A MESSAGE frame's text is not valid UTF-8.");
      return AppMessage(std::move(m));
    }
    case Type::kFileOffer: {
      FileOffer m;
      uint16_t len = 0;
      if (!GetArray(r, m.transfer_id) || !r.U64(m.size) || !r.U16(len)) return truncated();
      if (len == 0 || len > kMaxFileNameBytes) {
        return Bad("A FILE_OFFER frame's name is empty or longer than 255 bytes.");
      }
      if (!r.Raw(len, m.name) || !r.done()) return truncated();
      if (!IsValidUtf8(m.name)) return Bad("A FILE_OFFER frame's name is not valid UTF-8.");
      return AppMessage(std::move(m));
    }
    case Type::kFolderOffer: {
      FolderOffer m;
      uint16_t len = 0;
      if (!GetArray(r, m.folder_id) || !r.U32(m.entries) || !r.U64(m.size) || !r.U16(len)) {
        return truncated();
      }
      if (m.entries == 0 || m.entries > kMaxFolderEntries) {
        return Bad("A FOLDER_OFFER frame has no entries or more than 100000.");
      }
      if (len == 0 || len > kMaxFileNameBytes) {
        return Bad("A FOLDER_OFFER frame's name is empty or longer than 255 bytes.");
      }
      if (!r.Raw(len, m.name) || !r.done()) return truncated();
      if (!IsValidUtf8(m.name)) return Bad("A FOLDER_OFFER frame's name is not valid UTF-8.");
      return AppMessage(std::move(m));
    }
    case Type::kFolderFile: {
      FolderFile m;
      uint16_t len = 0;
      if (!GetArray(r, m.transfer_id) || !GetArray(r, m.folder_id) || !r.U64(m.size) ||
          !r.U16(len)) {
        return truncated();
      }
      if (len == 0 || len > kMaxPathBytes) {
        return Bad("A FOLDER_FILE frame's path is empty or longer than 4096 bytes.");
      }
      if (!r.Raw(len, m.path) || !r.done()) return truncated();
      if (!IsValidUtf8(m.path) || !IsValidFolderPath(m.path)) {
        return Bad("A FOLDER_FILE frame's path is not a relative path inside the folder (an "
                   "empty name, '.', '..', a leading '/', more than 32 names, or not UTF-8).");
      }
      if (m.path.ends_with('/') && m.size != 0) {
        return Bad("A FOLDER_FILE frame offers an empty folder with a size.");
      }
      return AppMessage(std::move(m));
    }
    case Type::kFolderEnd: {
      FolderEnd m;
      uint8_t status = 0;
      if (!GetArray(r, m.folder_id) || !r.U8(status) || !r.done()) return truncated();
      if (status > static_cast<uint8_t>(FolderStatus::kWriteFailed)) {
        return Bad("A FOLDER_END frame has an unknown status.");
      }
      m.status = static_cast<FolderStatus>(status);
      return AppMessage(m);
    }
    case Type::kFileAccept: {
      FileAccept m;
      if (!GetArray(r, m.transfer_id) || !r.U64(m.offset) || !r.done()) return truncated();
      return AppMessage(m);
    }
    case Type::kFileAck: {
      FileAck m;
      if (!GetArray(r, m.transfer_id) || !r.U64(m.offset) || !r.done()) return truncated();
      return AppMessage(m);
    }
    case Type::kFileChunk: {
      Result<FileChunkView> v = DecodeChunkBody(r);
      if (!v) return v.error();
      return AppMessage(
          FileChunk{v->transfer_id, v->offset, Bytes(v->data.begin(), v->data.end())});
    }
    case Type::kFileResult: {
      FileResult m;
      uint8_t status = 0;
      if (!GetArray(r, m.transfer_id) || !r.U8(status) || !r.done()) return truncated();
      if (status > static_cast<uint8_t>(FileStatus::kOverLimit))
        return Bad("A FILE_RESULT frame has an unknown status.");
      m.status = static_cast<FileStatus>(status);
      return AppMessage(m);
    }
    case Type::kFileDone: {
      FileDone m;
      if (!GetArray(r, m.transfer_id) || !GetArray(r, m.sha256) || !r.done()) return truncated();
      return AppMessage(m);
    }
    case Type::kReceipt:
    case Type::kFileDecline:
    case Type::kFileCancel: {
      Id id{};
      if (!GetArray(r, id) || !r.done()) return truncated();
      if (type == Type::kReceipt) return AppMessage(Receipt{id});
      if (type == Type::kFileDecline) return AppMessage(FileDecline{id});
      return AppMessage(FileCancel{id});
    }
    case Type::kPing:
    case Type::kPong: {
      uint64_t nonce = 0;
      if (!r.U64(nonce) || !r.done()) return truncated();
      if (type == Type::kPing) return AppMessage(Ping{nonce});
      return AppMessage(Pong{nonce});
    }
    case Type::kBye: {
      Bye m;
      if (!r.U8(m.reason) || !r.done()) return truncated();
      return AppMessage(m);
    }
    case Type::kSasCommit:
    case Type::kSasNonce:
    case Type::kSasReveal: {
      SasNonceBytes v{};
      if (!GetArray(r, v) || !r.done()) return truncated();
      if (type == Type::kSasCommit) return AppMessage(SasCommit{v});
      if (type == Type::kSasNonce) return AppMessage(SasNonce{v});
      return AppMessage(SasReveal{v});
    }
    case Type::kCodeShare: {
      CodeShare m;
      if (!GetArray(r, m.share) || !GetArray(r, m.fingerprint) || !r.done()) return truncated();
      return AppMessage(m);
    }
    case Type::kCodeConfirm: {
      CodeConfirm m;
      if (!GetArray(r, m.tag) || !r.done()) return truncated();
      return AppMessage(m);
    }
  }
  return Bad("Unknown application frame type " + Hex2(static_cast<uint8_t>(type)) + ".");
}

}  // namespace

bool IsValidFolderPath(std::string_view path) {
  if (path.empty() || path.size() > kMaxPathBytes) return false;
  if (path.ends_with('/')) path.remove_suffix(1);
  size_t depth = 0;
  for (size_t start = 0;;) {
    const size_t slash = path.find('/', start);
    const std::string_view name = path.substr(start, slash - start);
    if (name.empty() || name == "." || name == ".." || ++depth > kMaxFolderDepth) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string_view AppTypeName(uint8_t type) {
  switch (static_cast<Type>(type)) {
    case Type::kHello: return "HELLO";
    case Type::kMessage: return "MESSAGE";
    case Type::kReceipt: return "RECEIPT";
    case Type::kFileOffer: return "FILE_OFFER";
    case Type::kFileAccept: return "FILE_ACCEPT";
    case Type::kFileDecline: return "FILE_DECLINE";
    case Type::kFileChunk: return "FILE_CHUNK";
    case Type::kFileDone: return "FILE_DONE";
    case Type::kFileCancel: return "FILE_CANCEL";
    case Type::kFileResult: return "FILE_RESULT";
    case Type::kFileAck: return "FILE_ACK";
    case Type::kFolderOffer: return "FOLDER_OFFER";
    case Type::kFolderFile: return "FOLDER_FILE";
    case Type::kFolderEnd: return "FOLDER_END";
    case Type::kPing: return "PING";
    case Type::kPong: return "PONG";
    case Type::kBye: return "BYE";
    case Type::kSasCommit: return "SAS_COMMIT";
    case Type::kSasNonce: return "SAS_NONCE";
    case Type::kSasReveal: return "SAS_REVEAL";
    case Type::kCodeShare: return "CODE_SHARE";
    case Type::kCodeConfirm: return "CODE_CONFIRM";
  }
  return "";
}

void AppendAppMessage(Bytes& out, const AppMessage& msg) {
  Bytes payload;
  Writer w(payload);
  std::visit(Encoder{w}, msg);
  AppendFrame(out, static_cast<uint8_t>(kTypeOf[msg.index()]), payload);
}

Bytes EncodeAppMessage(const AppMessage& msg) {
  Bytes out;
  AppendAppMessage(out, msg);
  return out;
}

std::span<uint8_t> PrepareFileChunk(Bytes& out, const Id& transfer_id, uint64_t offset, size_t n) {
  assert(n > 0 && n <= kMaxChunkBytes);
  out.reserve(out.size() + kFrameHeaderSize + transfer_id.size() + 8 + n);
  Writer w(out);
  w.U8(static_cast<uint8_t>(Type::kFileChunk));
  w.U32(static_cast<uint32_t>(transfer_id.size() + 8 + n));
  PutId(w, transfer_id);
  w.U64(offset);
  const size_t at = out.size();
  out.resize(at + n);
  return std::span<uint8_t>(out.data() + at, n);
}

void AppendFileChunk(Bytes& out, const Id& transfer_id, uint64_t offset, ByteView data) {
  std::span<uint8_t> dst = PrepareFileChunk(out, transfer_id, offset, data.size());
  std::copy(data.begin(), data.end(), dst.begin());
}

Result<FileChunkView> DecodeFileChunkView(ByteView payload) {
  Reader r(payload);
  return DecodeChunkBody(r);
}

Result<AppMessage> DecodeAppMessage(uint8_t type, ByteView payload) {
  std::string_view name = AppTypeName(type);
  if (name.empty()) {
    return Bad("Unknown application frame type " + Hex2(type) + ".");
  }
  Reader r(payload);
  return DecodeBody(static_cast<Type>(type), r, std::string(name));
}

Result<AppMessage> DecodeAppMessage(const Frame& frame) {
  return DecodeAppMessage(frame.type, frame.payload);
}

}  // namespace duet::wire::app
