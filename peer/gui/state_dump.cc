#include "peer/gui/state_dump.h"

#include <nlohmann/json.hpp>

namespace duet::peer::gui {

std::string DumpState(const ShownState& shown, const ChatModel& model) {
  using nlohmann::json;
  json j;
  j["screen"] = shown.screen;
  j["title"] = shown.title;
  j["key"] = shown.key;
  j["error"] = shown.error;
  j["dialog"] = shown.dialog;
  j["sas"] = shown.sas;
  j["completions"] = shown.completions;
  j["downloads"] = shown.downloads;
  j["xid"] = shown.xid;
  j["dialog_xid"] = shown.dialog_xid;
  j["widgets"] = shown.widgets;
  j["conn"] = model.StateLabel();
  j["peer"] = model.has_peer() ? model.peer().name : "";
  j["trust"] = model.TrustLabel();
  j["code_checked"] = model.has_peer() && model.peer().code_checked;
  j["key_agreement"] = model.has_peer() ? model.peer().key_agreement : "";
  j["post_quantum"] = model.has_peer() && model.peer().post_quantum;
  j["require_pq"] = shown.require_pq;
  j["pq_available"] = shown.pq_available;
  j["dialog_key_agreement"] = shown.key_agreement;
  j["held"] = model.held();
  j["stalled"] = model.stalled();
  j["can_send"] = model.can_send();
  j["banner"] = model.key_change_pending() && !model.ended() ? "key_changed"
                : model.ended()                              ? "ended"
                                                             : "";
  j["end_code"] = model.end_code();
  json lines = json::array();
  for (const TranscriptLine& l : model.transcript()) {
    const char* who = l.kind == TranscriptLine::Kind::kOwn      ? "me"
                      : l.kind == TranscriptLine::Kind::kPeer   ? "peer"
                      : l.kind == TranscriptLine::Kind::kSystem ? "system"
                                                                : "warning";
    lines.push_back({{"who", who}, {"text", l.text}, {"delivered", l.delivered}});
  }
  j["transcript"] = std::move(lines);
  json files = json::array();
  for (size_t i = 0; i < model.files().size(); ++i) {
    const FileCard& f = model.files()[i];
    files.push_back({{"name", f.name},
                     {"size", f.size},
                     {"incoming", f.incoming},
                     {"state", FileStateName(f.state)},
                     {"done", f.done},
                     {"progress", f.Fraction()},
                     {"bar", f.bar_shown},
                     {"preview", i < shown.previews.size() && shown.previews[i]},
                     {"error", f.error},
                     {"status", StatusLine(f, model.now_ms())},
                     {"path", f.path},
                     {"folder", f.folder},
                     {"entries", f.entries},
                     {"entries_done", f.entries_done},
                     {"failed", f.failed},
                     {"current", f.current}});
  }
  j["files"] = std::move(files);
  j["waiting_offers"] = model.WaitingOffers().size();
  j["accept_all"] = shown.accept_all;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace duet::peer::gui
