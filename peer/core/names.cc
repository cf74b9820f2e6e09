#include "peer/core/names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

#include <cstdint>
#include <cstdio>
#include <optional>

#include "wire/app_protocol.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

using wire::app::kMaxNameBytes;

// --- ICU objects, made once -------------------------------------------------------------------

struct IcuObjects {
  const icu::Normalizer2* nfkc_cf = nullptr;  // ICU's singleton: never deleted
  const icu::Normalizer2* nfkc = nullptr;     // ICU's singleton: never deleted
  icu::LocalUSpoofCheckerPointer spoof;       // used through const calls only
};

IcuObjects MakeIcuObjects() {
  IcuObjects objects;
  // Each object on its own status: one missing piece of ICU data must not disable the others.
  UErrorCode status = U_ZERO_ERROR;
  objects.nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) objects.nfkc_cf = nullptr;
  status = U_ZERO_ERROR;
  objects.nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) objects.nfkc = nullptr;
  status = U_ZERO_ERROR;
  objects.spoof.adoptInstead(uspoof_open(&status));
  if (U_FAILURE(status)) objects.spoof.adoptInstead(nullptr);
  return objects;
}

// A function-local static: C++ makes its initialisation thread-safe.
const IcuObjects& Icu() {
  static const IcuObjects objects = MakeIcuObjects();
  return objects;
}

// --- the comparison forms ---------------------------------------------------------------------

icu::UnicodeString FromUtf8(std::string_view s) {
  // Each ill-formed sequence becomes U+FFFD (UnicodeString::fromUTF8's documented behaviour).
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Applies `normalizer`; without it (ICU data missing), only case folding, if `fold` asks for it.
icu::UnicodeString Normalize(const icu::Normalizer2* normalizer, const icu::UnicodeString& s,
                             bool fold) {
  if (normalizer != nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString out = normalizer->normalize(s, status);
    if (U_SUCCESS(status)) return out;
  }
  icu::UnicodeString out = s;
  if (fold) out.foldCase();
  return out;
}

bool IsInvisible(UChar32 c) {
  return u_charType(c) == U_FORMAT_CHAR ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// NormalizeName's steps with a given normaliser: NFKC_Casefold for NormalizeName, plain NFKC
// for the case-keeping skeleton.
icu::UnicodeString ComparisonForm(std::string_view name, const icu::Normalizer2* normalizer,
                                  bool fold) {
  const icu::UnicodeString normalized = Normalize(normalizer, FromUtf8(name), fold);

  // Invisible characters out. nfkc_cf already drops Default_Ignorables, but not every Cf
  // (U+0600 ARABIC NUMBER SIGN is Cf and not ignorable), and plain NFKC drops neither.
  icu::UnicodeString visible;
  bool removed = false;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    if (IsInvisible(c)) {
      removed = true;
    } else {
      visible.append(c);
    }
  }
  // A removed character may have stood between a letter and its accent: normalise again.
  if (removed) visible = Normalize(normalizer, visible, fold);

  // Each White_Space run becomes one U+0020; none at either end.
  icu::UnicodeString out;
  bool space_pending = false;
  for (int32_t i = 0; i < visible.length();) {
    const UChar32 c = visible.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      space_pending = !out.isEmpty();
      continue;
    }
    if (space_pending) out.append(static_cast<UChar>(0x20));
    space_pending = false;
    out.append(c);
  }
  return out;
}

// The UTS #39 skeleton, or nothing when ICU's confusable data is not there.
std::optional<icu::UnicodeString> Skeleton(const icu::UnicodeString& s) {
  const USpoofChecker* spoof = Icu().spoof.getAlias();
  if (spoof == nullptr) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString skeleton;
  uspoof_getSkeletonUnicodeString(spoof, 0, s, skeleton, &status);
  if (U_FAILURE(status)) return std::nullopt;
  return skeleton;
}

// NamesCollide's third test (see names.h): skeleton first, then case folding, then skeleton.
std::optional<std::string> CaseKeepingSkeleton(std::string_view name) {
  const icu::UnicodeString form = ComparisonForm(name, Icu().nfkc, /*fold=*/false);
  const std::optional<icu::UnicodeString> first = Skeleton(form);
  if (!first) return std::nullopt;
  const std::optional<icu::UnicodeString> second =
      Skeleton(Normalize(Icu().nfkc_cf, *first, /*fold=*/true));
  if (!second) return std::nullopt;
  return ToUtf8(*second);
}

// --- the checks -------------------------------------------------------------------------------

// What a character is, when it may not be in a name; nullptr when it may.
const char* ForbiddenKind(UChar32 c) {
  const int8_t type = u_charType(c);
  if (type == U_CONTROL_CHAR) return "a control character";
  if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL)) return "a text-direction control character";
  if (type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR) {
    return "a line or paragraph separator";
  }
  if (IsInvisible(c)) return "an invisible character";
  if (u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT)) return "a noncharacter";
  if (type == U_SURROGATE) return "a surrogate code point";
  if (type == U_PRIVATE_USE_CHAR) return "a private-use character";
  if (type == U_UNASSIGNED) return "an unassigned code point";
  return nullptr;
}

std::string CodePointLabel(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

// The name in double quotes, safe to print on a terminal (see names.h).
std::string Quote(std::string_view name) {
  std::string out = "\"";
  char buf[16];
  for (size_t i = 0; i < name.size();) {
    if (i >= kMaxNameBytes) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    uint32_t cp = 0;
    const size_t n = wire::DecodeUtf8At(name, i, cp);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x{%02X}", static_cast<unsigned char>(name[i]));
      out += buf;
      ++i;
      continue;
    }
    const UChar32 c = static_cast<UChar32>(cp);
    if (ForbiddenKind(c) != nullptr || (u_isUWhiteSpace(c) && c != 0x20) || c == '"' || c == '\\') {
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.append(name.substr(i, n));
    }
    i += n;
  }
  out += "\"";
  return out;
}

enum class Flaw { kEmpty, kTooLong, kNotUtf8, kCharacter };

struct Problem {
  Flaw flaw;
  std::string reason;  // for kTooLong and kCharacter: "it ends with a space"
};

std::string SpaceReason(const char* where, UChar32 c) {
  std::string reason = std::string("it ") + where + " with a space";
  if (c != 0x20) reason += " (" + CodePointLabel(c) + ")";
  return reason;
}

std::optional<Problem> FindProblem(std::string_view name) {
  if (name.empty()) return Problem{Flaw::kEmpty, ""};
  if (name.size() > kMaxNameBytes) {
    return Problem{Flaw::kTooLong, "it is " + std::to_string(name.size()) +
                                       " bytes long, more than the " +
                                       std::to_string(kMaxNameBytes) + " allowed"};
  }
  if (!wire::IsValidUtf8(name)) return Problem{Flaw::kNotUtf8, "it is not valid UTF-8 text"};

  UChar32 first = -1;
  UChar32 last = -1;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    i += wire::DecodeUtf8At(name, i, cp);  // valid: checked above
    const UChar32 c = static_cast<UChar32>(cp);
    if (const char* kind = ForbiddenKind(c)) {
      return Problem{Flaw::kCharacter,
                     std::string("it contains ") + kind + " (" + CodePointLabel(c) + ")"};
    }
    if (first < 0) first = c;
    last = c;
  }
  if (u_isUWhiteSpace(first)) return Problem{Flaw::kCharacter, SpaceReason("starts", first)};
  if (u_isUWhiteSpace(last)) return Problem{Flaw::kCharacter, SpaceReason("ends", last)};
  return std::nullopt;
}

}  // namespace

Result<std::string> CheckPeerName(std::string_view name) {
  const std::optional<Problem> problem = FindProblem(name);
  if (!problem) return std::string(name);
  std::string sentence;
  if (problem->flaw == Flaw::kEmpty) {
    sentence = "The other side sent an empty name.";
  } else {
    sentence = "The other side's name " + Quote(name) + " was refused: " + problem->reason + ".";
    if (problem->flaw == Flaw::kCharacter) {
      sentence +=
          " Names with invisible or control characters, or spaces at either end, could pass for "
          "someone else.";
    }
  }
  sentence += " The session was ended.";
  return Error{"PEER_NAME_REFUSED", sentence};
}

Status CheckOwnName(std::string_view name) {
  const std::optional<Problem> problem = FindProblem(name);
  if (!problem) return Ok();
  std::string sentence;
  switch (problem->flaw) {
    case Flaw::kEmpty:
      sentence =
          "Your name is empty; choose a name of 1 to " + std::to_string(kMaxNameBytes) + " bytes.";
      break;
    case Flaw::kTooLong:
      sentence = "Your name " + Quote(name) + " cannot be used: " + problem->reason +
                 "; choose a shorter name.";
      break;
    case Flaw::kNotUtf8:
      sentence = "Your name " + Quote(name) + " cannot be used: " + problem->reason +
                 "; choose a name written in UTF-8.";
      break;
    case Flaw::kCharacter:
      sentence = "Your name " + Quote(name) + " cannot be used: " + problem->reason +
                 "; choose a name without invisible or control characters and without spaces "
                 "at either end.";
      break;
  }
  return Error{"BAD_NAME", sentence};
}

std::string NormalizeName(std::string_view name) {
  return ToUtf8(ComparisonForm(name, Icu().nfkc_cf, /*fold=*/true));
}

std::string NameSkeleton(std::string_view name) {
  const icu::UnicodeString form = ComparisonForm(name, Icu().nfkc_cf, /*fold=*/true);
  const std::optional<icu::UnicodeString> skeleton = Skeleton(form);
  return ToUtf8(skeleton ? *skeleton : form);
}

bool NamesCollide(std::string_view a, std::string_view b) {
  if (NormalizeName(a) == NormalizeName(b)) return true;
  if (NameSkeleton(a) == NameSkeleton(b)) return true;
  const std::optional<std::string> case_keeping_a = CaseKeepingSkeleton(a);
  const std::optional<std::string> case_keeping_b = CaseKeepingSkeleton(b);
  return case_keeping_a && case_keeping_b && *case_keeping_a == *case_keeping_b;
}

}  // namespace duet::peer
