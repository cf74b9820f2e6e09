// CPace (crypto/cpace.h) against the CPACE-RISTR255-SHA512 vectors of draft-irtf-cfrg-cpace-21
// (appendix "Test vector for CPace using group ristretto255 and hash SHA-512" and the string
// utility vectors; the draft's master text of April 2026 has the same values), then the
// behaviour around them: agreement, confirmation both ways, and every way it must fail.
#include "crypto/cpace.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "wire/hex.h"

namespace duet::crypto {
namespace {

using wire::AsBytes;
using wire::ToHex;

wire::Bytes Unhex(std::string_view hex) {
  wire::Bytes out(hex.size() / 2);
  EXPECT_TRUE(wire::FromHex(hex, out)) << hex;
  return out;
}

// The draft's inputs for ristretto255 / SHA-512.
const std::string_view kPrs = "Password";
const wire::Bytes kCi = Unhex("0b415f696e69746961746f720b425f726573706f6e646572");
const wire::Bytes kSid = Unhex("7e4b4791d6a8ef019b936c79fb7f2c57");
const std::string_view kAda = "ADa";
const std::string_view kAdb = "ADb";
const std::string kYa = "da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08";
const std::string kYb = "d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d";

std::unique_ptr<Cpace> Begin(CpaceRole role, std::string_view prs, wire::ByteView ci,
                             wire::ByteView sid, std::string_view ad) {
  auto c = Cpace::Start(role, AsBytes(prs), ci, sid, AsBytes(ad));
  EXPECT_TRUE(c.ok()) << c.error().code;
  return std::move(c).value();
}

// Runs both sides' Finish with what the other sent; both must accept the shares.
void Exchange(Cpace& a, Cpace& b, std::string_view ada, std::string_view adb) {
  ASSERT_TRUE(a.Finish(b.share(), AsBytes(adb)).ok());
  ASSERT_TRUE(b.Finish(a.share(), AsBytes(ada)).ok());
}

TEST(Cpace, LvCatMatchesTheDraftVectors) {
  EXPECT_EQ(ToHex(CpaceLvCat({})), "");
  EXPECT_EQ(ToHex(CpaceLvCat({AsBytes("")})), "00");
  EXPECT_EQ(ToHex(CpaceLvCat({AsBytes("1234")})), "0431323334");
  wire::Bytes range(128);
  for (size_t i = 0; i < range.size(); ++i) range[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(ToHex(CpaceLvCat({wire::ByteView(range).first(127)})),
            "7f" + ToHex(range).substr(0, 254));
  EXPECT_EQ(ToHex(CpaceLvCat({range})), "8001" + ToHex(range));
  EXPECT_EQ(ToHex(CpaceLvCat({AsBytes("1234"), AsBytes("5"), AsBytes(""), AsBytes("678")})),
            "043132333401350003363738");
  // transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb)
  EXPECT_EQ(
      ToHex(CpaceLvCat({AsBytes("123"), AsBytes("PartyA"), AsBytes("234"), AsBytes("PartyB")})),
      "03313233065061727479410332333406506172747942");
}

TEST(Cpace, GeneratorStringMatchesTheDraftVector) {
  EXPECT_EQ(ToHex(CpaceGeneratorString(AsBytes(kPrs), kCi, kSid)),
            "11435061636552697374726574746f3235350850617373776f726464"
            "00000000000000000000000000000000000000000000000000000000"
            "00000000000000000000000000000000000000000000000000000000"
            "00000000000000000000000000000000000000000000000000000000"
            "00000000000000000000000000000000180b415f696e69746961746f"
            "720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f"
            "2c57");
}

TEST(Cpace, GeneratorStringPadsOnlyShortPasswords) {
  // len_zpad = max(0, 128 - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI))), DSI 17 bytes;
  // then lv_cat(DSI, PRS, zpad, CI, sid) with CI and sid empty.
  auto size = [](size_t prs) { return CpaceGeneratorString(wire::Bytes(prs, 'x'), {}, {}).size(); };
  EXPECT_EQ(size(107), 18u + 108 + (1 + 1) + 1 + 1);  // one zero byte of padding
  EXPECT_EQ(size(108), 18u + 109 + (1 + 0) + 1 + 1);  // none
  EXPECT_EQ(size(200), 18u + 202 + (1 + 0) + 1 + 1);  // none, and a two-byte length
}

TEST(Cpace, GeneratorMatchesTheDraftVector) {
  auto g = CpaceGenerator(AsBytes(kPrs), kCi, kSid);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(ToHex(*g), "222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56");
}

TEST(Cpace, SharesAndIskMatchTheDraftVectorsInitiatorResponder) {
  auto a = Cpace::StartWithScalar(CpaceRole::kInitiator, AsBytes(kPrs), kCi, kSid, AsBytes(kAda),
                                  Unhex(kYa));
  auto b = Cpace::StartWithScalar(CpaceRole::kResponder, AsBytes(kPrs), kCi, kSid, AsBytes(kAdb),
                                  Unhex(kYb));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ToHex((*a)->share()),
            "d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157");
  EXPECT_EQ(ToHex((*b)->share()),
            "3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258");
  Exchange(**a, **b, kAda, kAdb);
  // ISK_IR; K (80b69a8a...b40f) is not exposed, but ISK hashes it.
  const std::string isk =
      "b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dcae7b35cd"
      "2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c3fa2068af7900447";
  EXPECT_EQ(ToHex((*a)->isk()), isk);
  EXPECT_EQ(ToHex((*b)->isk()), isk);
}

// The draft's section "Key confirmation" gives the construction but no vectors. These tags were
// computed from the draft's ISK_IR above with Python's hashlib and hmac, independently of this
// code: mac_key = SHA-512(b"CPaceMac" + sid + ISK), Ta = HMAC-SHA-512(mac_key, lv_cat(Ya, ADa)),
// Tb = HMAC-SHA-512(mac_key, lv_cat(Yb, ADb)).
TEST(Cpace, ConfirmationFollowsTheDraftsKeyConfirmationSection) {
  auto a = Cpace::StartWithScalar(CpaceRole::kInitiator, AsBytes(kPrs), kCi, kSid, AsBytes(kAda),
                                  Unhex(kYa));
  auto b = Cpace::StartWithScalar(CpaceRole::kResponder, AsBytes(kPrs), kCi, kSid, AsBytes(kAdb),
                                  Unhex(kYb));
  ASSERT_TRUE(a.ok() && b.ok());
  Exchange(**a, **b, kAda, kAdb);
  const std::string ta =
      "30478d28d83ae3b214295e91f4a3eb62999a8ed94575075db4a7d3bc3e4d26f1"
      "6c51adba12dc7771372637a46b5134e0937cddd7d820bfdd83be335e339eb57a";
  const std::string tb =
      "e927a7da291676f8878caae9cb70407d2f14117e6f9ff9adcfda797c4bcf2bd2"
      "fefd2ca3f2ddcce81b7386996c895b2f359010cc92069d5ff4ad49a977de79a6";
  EXPECT_EQ(ToHex((*a)->confirmation()), ta);
  EXPECT_EQ(ToHex((*b)->confirmation()), tb);
  EXPECT_TRUE((*a)->CheckPeerConfirmation(Unhex(tb)));
  EXPECT_TRUE((*b)->CheckPeerConfirmation(Unhex(ta)));
}

TEST(Cpace, HonestPartiesAgreeAndConfirm) {
  auto a = Begin(CpaceRole::kInitiator, "7-tiger-ample-quiz", kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, "7-tiger-ample-quiz", kCi, kSid, "bob");
  EXPECT_NE(a->share(), b->share());
  Exchange(*a, *b, "alice", "bob");
  EXPECT_EQ(a->isk(), b->isk());
  EXPECT_NE(a->confirmation(), b->confirmation());
  EXPECT_TRUE(a->CheckPeerConfirmation(b->confirmation()));
  EXPECT_TRUE(b->CheckPeerConfirmation(a->confirmation()));
  // A fresh run draws fresh scalars: another share, another key.
  auto a2 = Begin(CpaceRole::kInitiator, "7-tiger-ample-quiz", kCi, kSid, "alice");
  EXPECT_NE(a2->share(), a->share());
}

TEST(Cpace, AWrongPasswordFailsConfirmationBothWays) {
  auto a = Begin(CpaceRole::kInitiator, "7-tiger-ample-quiz", kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, "7-tiger-ample-quit", kCi, kSid, "bob");
  Exchange(*a, *b, "alice", "bob");  // the shares are valid elements: only the tags tell
  EXPECT_NE(a->isk(), b->isk());
  EXPECT_FALSE(a->CheckPeerConfirmation(b->confirmation()));
  EXPECT_FALSE(b->CheckPeerConfirmation(a->confirmation()));
}

TEST(Cpace, DifferentChannelIdentifiersFail) {
  const wire::Bytes other_ci = Unhex("0b415f696e69746961746f720b425f726573706f6e646573");
  auto a = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, kPrs, other_ci, kSid, "bob");
  Exchange(*a, *b, "alice", "bob");
  EXPECT_FALSE(a->CheckPeerConfirmation(b->confirmation()));
  EXPECT_FALSE(b->CheckPeerConfirmation(a->confirmation()));
}

TEST(Cpace, DifferentSessionIdsOrAlteredAssociatedDataFail) {
  auto a = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, kPrs, kCi, AsBytes("another session"), "bob");
  Exchange(*a, *b, "alice", "bob");
  EXPECT_FALSE(a->CheckPeerConfirmation(b->confirmation()));
  EXPECT_FALSE(b->CheckPeerConfirmation(a->confirmation()));

  auto c = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto d = Begin(CpaceRole::kResponder, kPrs, kCi, kSid, "bob");
  Exchange(*c, *d, "alice", "mallory");  // the relay rewrote d's AD on its way to c
  EXPECT_FALSE(c->CheckPeerConfirmation(d->confirmation()));
  EXPECT_FALSE(d->CheckPeerConfirmation(c->confirmation()));
}

TEST(Cpace, RejectsTheIdentityAndInvalidEncodings) {
  const std::string s = "7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05";
  const std::vector<wire::Bytes> bad = {
      // The draft's invalid inputs for scalar_mult_vfy: Y_i1 (not an encoding), Y_i2 = G.I.
      Unhex("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"),
      wire::Bytes(32, 0x00),
      wire::Bytes(32, 0xff),               // not canonical (above the field prime)
      Unhex("01" + std::string(62, '0')),  // "negative" (odd): not canonical
      {},                                  // wrong lengths
      wire::Bytes(31, 0x00),
      Unhex("d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b915700"),
  };
  for (CpaceRole role : {CpaceRole::kInitiator, CpaceRole::kResponder}) {
    for (const wire::Bytes& share : bad) {
      auto c = Cpace::StartWithScalar(role, AsBytes(kPrs), kCi, kSid, AsBytes(kAda), Unhex(s));
      ASSERT_TRUE(c.ok());
      Status st = (*c)->Finish(share, AsBytes(kAdb));
      ASSERT_FALSE(st.ok()) << ToHex(share);
      EXPECT_EQ(st.error().code, "CPACE_BAD_SHARE") << ToHex(share);
      EXPECT_FALSE((*c)->CheckPeerConfirmation(wire::Bytes(kCpaceTagBytes, 0)));
    }
  }
  // The draft's valid point X for the same scalar is accepted.
  auto c = Cpace::StartWithScalar(CpaceRole::kInitiator, AsBytes(kPrs), kCi, kSid, AsBytes(kAda),
                                  Unhex(s));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(
      (*c)->Finish(Unhex("2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"),
                   AsBytes(kAdb))
          .ok());
}

TEST(Cpace, FlippingAnyBitOfATagFails) {
  auto a = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, kPrs, kCi, kSid, "bob");
  Exchange(*a, *b, "alice", "bob");
  CpaceTag ta = a->confirmation();
  CpaceTag tb = b->confirmation();
  for (size_t bit = 0; bit < ta.size() * 8; ++bit) {
    ta[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    tb[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(b->CheckPeerConfirmation(ta)) << "bit " << bit;
    EXPECT_FALSE(a->CheckPeerConfirmation(tb)) << "bit " << bit;
    ta[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    tb[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  EXPECT_TRUE(b->CheckPeerConfirmation(ta));
  EXPECT_FALSE(b->CheckPeerConfirmation(wire::ByteView(ta).first(kCpaceTagBytes - 1)));
  wire::Bytes longer(ta.begin(), ta.end());
  longer.push_back(0);
  EXPECT_FALSE(b->CheckPeerConfirmation(longer));
  EXPECT_FALSE(b->CheckPeerConfirmation({}));
}

TEST(Cpace, AReflectedTagIsRejected) {
  auto a = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, kPrs, kCi, kSid, "bob");
  Exchange(*a, *b, "alice", "bob");
  EXPECT_FALSE(a->CheckPeerConfirmation(a->confirmation()));
  EXPECT_FALSE(b->CheckPeerConfirmation(b->confirmation()));
}

TEST(Cpace, FinishTakesOnlyOnePeerMessage) {
  auto a = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  auto b = Begin(CpaceRole::kResponder, kPrs, kCi, kSid, "bob");
  Exchange(*a, *b, "alice", "bob");
  const CpaceIsk isk = a->isk();
  auto other = Begin(CpaceRole::kResponder, kPrs, kCi, kSid, "bob");
  Status again = a->Finish(other->share(), AsBytes("bob"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "CPACE_ALREADY_FINISHED");
  EXPECT_EQ(a->isk(), isk);

  // A failed Finish ends the run too: no second guess after a bad share.
  auto c = Begin(CpaceRole::kInitiator, kPrs, kCi, kSid, "alice");
  EXPECT_EQ(c->Finish(wire::Bytes(32, 0), AsBytes("bob")).error().code, "CPACE_BAD_SHARE");
  EXPECT_EQ(c->Finish(b->share(), AsBytes("bob")).error().code, "CPACE_ALREADY_FINISHED");
  EXPECT_FALSE(c->CheckPeerConfirmation(b->confirmation()));
}

TEST(Cpace, StartWithScalarRejectsBadScalars) {
  const std::string order = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
  for (const wire::Bytes& s :
       {wire::Bytes(32, 0), Unhex(order), wire::Bytes(31, 1), wire::Bytes(33, 1)}) {
    auto c = Cpace::StartWithScalar(CpaceRole::kInitiator, AsBytes(kPrs), kCi, kSid, {}, s);
    ASSERT_FALSE(c.ok()) << ToHex(s);
    EXPECT_EQ(c.error().code, "CPACE_BAD_SCALAR");
  }
}

}  // namespace
}  // namespace duet::crypto
