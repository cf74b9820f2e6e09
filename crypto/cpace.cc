#include "crypto/cpace.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <string_view>

#include "crypto/ossl.h"
#include "crypto/random.h"

namespace duet::crypto {
namespace {

constexpr std::string_view kDsi = "CPaceRistretto255";         // G.DSI
constexpr std::string_view kIskDsi = "CPaceRistretto255_ISK";  // G.DSI || "_ISK"
constexpr std::string_view kMacLabel = "CPaceMac";             // section "Key confirmation"
constexpr size_t kSha512BlockBytes = 128;                      // H.s_in_bytes

using Sha512Digest = std::array<uint8_t, 64>;

// sodium_init once per process (it is thread-safe and idempotent; the static makes it cheap).
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Error SodiumError() {
  return Error{"CRYPTO_ERROR",
               "libsodium could not be initialised, so the code cannot be checked."};
}

size_t Leb128Bytes(size_t n) {
  size_t bytes = 1;
  for (; n >= 128; n >>= 7) ++bytes;
  return bytes;
}

// SHA-512 of the concatenation of `parts`, fed piece by piece (no copy of secret parts).
Sha512Digest Sha512(std::initializer_list<wire::ByteView> parts) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), EVP_sha512(), nullptr) != 1) std::abort();
  for (wire::ByteView p : parts) {
    if (!p.empty()) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  }
  Sha512Digest d{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), d.data(), &n) != 1 || n != d.size()) std::abort();
  return d;
}

bool HmacSha512(const Sha512Digest& key, wire::ByteView data, CpaceTag& out) {
  size_t n = 0;
  return EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA512", nullptr, key.data(), key.size(), data.data(),
                   data.size(), out.data(), out.size(), &n) != nullptr &&
         n == out.size();
}

}  // namespace

wire::Bytes CpaceLvCat(std::initializer_list<wire::ByteView> parts) {
  // Reserve the exact size first: a reallocation would leave copies of secret parts behind.
  size_t total = 0;
  for (wire::ByteView p : parts) total += Leb128Bytes(p.size()) + p.size();
  wire::Bytes out;
  out.reserve(total);
  for (wire::ByteView p : parts) {
    size_t n = p.size();
    do {  // LEB128: seven bits a byte, least significant first, bit 7 set while more follow
      out.push_back(static_cast<uint8_t>((n & 0x7f) | (n >= 128 ? 0x80 : 0)));
      n >>= 7;
    } while (n != 0);
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

wire::Bytes CpaceGeneratorString(wire::ByteView prs, wire::ByteView ci, wire::ByteView sid) {
  // Zero padding fills the first hash block after DSI and PRS, so that for short passwords
  // the number of bytes hashed does not depend on the password's length.
  const size_t used =
      Leb128Bytes(prs.size()) + prs.size() + Leb128Bytes(kDsi.size()) + kDsi.size() + 1;
  const wire::Bytes zpad(used < kSha512BlockBytes ? kSha512BlockBytes - used : 0, 0);
  return CpaceLvCat({wire::AsBytes(kDsi), prs, zpad, ci, sid});
}

Result<CpaceElement> CpaceGenerator(wire::ByteView prs, wire::ByteView ci, wire::ByteView sid) {
  if (!SodiumReady()) return SodiumError();
  wire::Bytes gen_str = CpaceGeneratorString(prs, ci, sid);
  Sha512Digest h = Sha512({gen_str});
  OPENSSL_cleanse(gen_str.data(), gen_str.size());
  CpaceElement g{};
  // RFC 9496 element derivation from 64 uniform bytes (libsodium 1.0.18 always succeeds).
  const int rc = crypto_core_ristretto255_from_hash(g.data(), h.data());
  OPENSSL_cleanse(h.data(), h.size());
  if (rc != 0) return Error{"CRYPTO_ERROR", "Could not derive the CPace generator."};
  return g;
}

Cpace::Cpace(CpaceRole role, wire::ByteView sid, wire::ByteView ad)
    : role_(role), sid_(sid.begin(), sid.end()), ad_(ad.begin(), ad.end()) {}

Cpace::~Cpace() {
  OPENSSL_cleanse(scalar_.data(), scalar_.size());
  OPENSSL_cleanse(isk_.data(), isk_.size());
  OPENSSL_cleanse(our_tag_.data(), our_tag_.size());
  OPENSSL_cleanse(expected_tag_.data(), expected_tag_.size());
}

Result<std::unique_ptr<Cpace>> Cpace::Start(CpaceRole role, wire::ByteView prs, wire::ByteView ci,
                                            wire::ByteView sid, wire::ByteView ad) {
  if (!SodiumReady()) return SodiumError();
  // sample_scalar: uniform in [1, order - 1]. 64 random bytes reduced mod the order are
  // uniform to within 2^-260; zero (probability 2^-252) is drawn again.
  std::array<uint8_t, crypto_core_ristretto255_NONREDUCEDSCALARBYTES> wide{};
  std::array<uint8_t, kCpaceScalarBytes> y{};
  do {
    RandomBytes(wide);
    crypto_core_ristretto255_scalar_reduce(y.data(), wide.data());
  } while (sodium_is_zero(y.data(), y.size()));
  OPENSSL_cleanse(wide.data(), wide.size());
  auto cpace = Create(role, prs, ci, sid, ad, y);
  OPENSSL_cleanse(y.data(), y.size());
  return cpace;
}

Result<std::unique_ptr<Cpace>> Cpace::StartWithScalar(CpaceRole role, wire::ByteView prs,
                                                      wire::ByteView ci, wire::ByteView sid,
                                                      wire::ByteView ad, wire::ByteView scalar) {
  if (!SodiumReady()) return SodiumError();
  if (scalar.size() != kCpaceScalarBytes) {
    return Error{"CPACE_BAD_SCALAR", "A CPace scalar must be 32 bytes."};
  }
  std::array<uint8_t, crypto_core_ristretto255_NONREDUCEDSCALARBYTES> wide{};
  std::copy(scalar.begin(), scalar.end(), wide.begin());
  std::array<uint8_t, kCpaceScalarBytes> y{};
  crypto_core_ristretto255_scalar_reduce(y.data(), wide.data());
  OPENSSL_cleanse(wide.data(), wide.size());
  if (sodium_is_zero(y.data(), y.size())) {
    return Error{"CPACE_BAD_SCALAR", "A CPace scalar must not be zero."};
  }
  auto cpace = Create(role, prs, ci, sid, ad, y);
  OPENSSL_cleanse(y.data(), y.size());
  return cpace;
}

Result<std::unique_ptr<Cpace>> Cpace::Create(CpaceRole role, wire::ByteView prs, wire::ByteView ci,
                                             wire::ByteView sid, wire::ByteView ad,
                                             const std::array<uint8_t, kCpaceScalarBytes>& y) {
  Result<CpaceElement> g = CpaceGenerator(prs, ci, sid);
  if (!g) return g.error();
  std::unique_ptr<Cpace> cpace(new Cpace(role, sid, ad));
  cpace->scalar_ = y;
  // scalar_mult: Y = encode(y * g). The group has prime order and y is nonzero, so this fails
  // only if the derived generator is the identity (a hash output found with ~2^-252 chance).
  const int rc = crypto_scalarmult_ristretto255(cpace->share_.data(), y.data(), g->data());
  OPENSSL_cleanse(g->data(), g->size());
  if (rc != 0) return Error{"CRYPTO_ERROR", "Could not compute the CPace share."};
  return cpace;
}

Status Cpace::Finish(wire::ByteView peer_share, wire::ByteView peer_ad) {
  if (state_ != State::kAwaitingPeer) {
    return Error{"CPACE_ALREADY_FINISHED", "This CPace run has already taken a peer's message."};
  }
  state_ = State::kFailed;  // until every step below has succeeded

  // scalar_mult_vfy: decode the peer's share (canonical encodings only) and multiply; libsodium
  // returns -1 when decoding fails or the product is the identity: the draft's abort.
  std::array<uint8_t, kCpaceShareBytes> k{};
  const bool valid =
      peer_share.size() == kCpaceShareBytes &&
      crypto_scalarmult_ristretto255(k.data(), scalar_.data(), peer_share.data()) == 0;
  OPENSSL_cleanse(scalar_.data(), scalar_.size());
  if (!valid) {
    OPENSSL_cleanse(k.data(), k.size());
    return Error{"CPACE_BAD_SHARE",
                 "The other side's code check message is not a valid group element, so the code "
                 "cannot be checked; the session is not trusted."};
  }

  // ISK = H(lv_cat(DSI || "_ISK", sid, K) || transcript_ir), transcript_ir =
  // lv_cat(Ya, ADa) || lv_cat(Yb, ADb): the initiator's message first, whoever computes it.
  const bool initiator = role_ == CpaceRole::kInitiator;
  const wire::Bytes ours = CpaceLvCat({share_, ad_});
  const wire::Bytes theirs = CpaceLvCat({peer_share, peer_ad});
  const wire::Bytes& msg_a = initiator ? ours : theirs;
  const wire::Bytes& msg_b = initiator ? theirs : ours;
  wire::Bytes prefix = CpaceLvCat({wire::AsBytes(kIskDsi), sid_, k});
  isk_ = Sha512({prefix, msg_a, msg_b});
  OPENSSL_cleanse(prefix.data(), prefix.size());
  OPENSSL_cleanse(k.data(), k.size());

  // Key confirmation: each side's tag covers the message it sent.
  Sha512Digest mac_key = Sha512({wire::AsBytes(kMacLabel), sid_, isk_});
  ClearOpensslErrors();
  const bool tagged =
      HmacSha512(mac_key, ours, our_tag_) && HmacSha512(mac_key, theirs, expected_tag_);
  OPENSSL_cleanse(mac_key.data(), mac_key.size());
  if (!tagged) {
    OPENSSL_cleanse(isk_.data(), isk_.size());
    return Error{"CRYPTO_ERROR", OpensslError("Could not compute the code check's tags")};
  }
  state_ = State::kFinished;
  return Ok();
}

const CpaceTag& Cpace::confirmation() const {
  assert(state_ == State::kFinished);
  return our_tag_;
}

const CpaceIsk& Cpace::isk() const {
  assert(state_ == State::kFinished);
  return isk_;
}

bool Cpace::CheckPeerConfirmation(wire::ByteView tag) const {
  return state_ == State::kFinished && tag.size() == expected_tag_.size() &&
         CRYPTO_memcmp(tag.data(), expected_tag_.data(), tag.size()) == 0;
}

}  // namespace duet::crypto
