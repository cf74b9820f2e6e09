// The seam between the worker threads and FLTK's main thread.
//
// Any thread may Post() a task; the main thread runs them in order with RunPending(). The wake
// function tells the main thread there is work: in the app it is Fl::awake() (so Fl::wait()
// returns), in unit tests nothing at all. Tasks are the only way a worker touches the UI.
//
// Thread-safe. Tasks run on the thread that calls RunPending() (the main thread).
#pragma once

#include <deque>
#include <functional>
#include <mutex>

namespace duet::peer::gui {

class UiQueue {
 public:
  explicit UiQueue(std::function<void()> wake) : wake_(std::move(wake)) {}

  void Post(std::function<void()> task);
  // Runs every task posted so far (and those they post); returns how many ran.
  size_t RunPending();

 private:
  std::function<void()> wake_;
  std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace duet::peer::gui
