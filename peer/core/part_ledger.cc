#include "peer/core/part_ledger.h"

#include <algorithm>

#include "peer/core/text_records.h"
#include "wire/hex.h"

namespace duet::peer {
namespace {

constexpr std::string_view kHeader = "# duet part ledger v1\n";
constexpr int kFields = 5;

bool ParseLine(std::string_view line, PartRecord& p) {
  std::string_view fields[kFields];
  return SplitFields(line, fields) && wire::FromHex(fields[0], p.id) &&
         ParseNumber(fields[1], p.dev) && ParseNumber(fields[2], p.ino) &&
         ParseNumber(fields[3], p.btime_ns) && UnescapeField(fields[4], p.path) && p.path[0] == '/';
}

}  // namespace

Result<std::vector<PartRecord>> ParsePartLedger(std::string_view text) {
  std::vector<PartRecord> parts;
  const size_t bad = ForEachRecord(text, [&](std::string_view line) {
    PartRecord p;
    if (!ParseLine(line, p)) return false;
    parts.push_back(std::move(p));
    return true;
  });
  if (bad != 0) {
    return Error{"PART_LEDGER_DAMAGED",
                 "Line " + std::to_string(bad) +
                     " of the list of partly received files is damaged; those files are not "
                     "resumed (they are received again from the start if offered again)."};
  }
  return parts;
}

std::string FormatPartLedger(const std::vector<PartRecord>& parts) {
  std::string out(kHeader);
  for (const PartRecord& p : parts) {
    out += wire::ToHex(p.id) + " " + std::to_string(p.dev) + " " + std::to_string(p.ino) + " " +
           std::to_string(p.btime_ns) + " " + EscapeField(p.path) + "\n";
  }
  return out;
}

std::vector<PartRecord> PartLedger::Load() {
  Result<std::vector<PartRecord>> parts = store_.Load();
  return parts ? std::move(*parts) : std::vector<PartRecord>();
}

std::optional<PartRecord> PartLedger::Find(const wire::app::Id& id) {
  for (PartRecord& p : Load()) {
    if (p.id == id) return std::move(p);
  }
  return std::nullopt;
}

Status PartLedger::Record(PartRecord part) {
  std::vector<PartRecord> parts = Load();
  std::erase_if(parts, [&](const PartRecord& p) { return p.id == part.id || p.path == part.path; });
  parts.push_back(std::move(part));
  if (parts.size() > kMaxParts) parts.erase(parts.begin(), parts.end() - kMaxParts);
  return store_.Save(parts);
}

Status PartLedger::Forget(const wire::app::Id& id) {
  std::vector<PartRecord> parts = Load();
  const size_t before = parts.size();
  std::erase_if(parts, [&](const PartRecord& p) { return p.id == id; });
  return parts.size() == before ? Ok() : store_.Save(parts);
}

}  // namespace duet::peer
