#include "state/window_store.h"

namespace sx {

std::uint32_t GroupTable::add(std::string_view key, std::size_t naggs) {
  const auto i = static_cast<std::uint32_t>(groups.size());
  groups.push_back(Group{std::string(key), std::vector<AggState>(naggs), kMinEventTime, false, 0});
  index.emplace(std::string(key), i);
  return i;
}

void GroupTable::remove(std::uint32_t i) {
  index.erase(groups[i].key);
  if (i + 1 != groups.size()) {
    groups[i] = std::move(groups.back());
    index[groups[i].key] = i;
  }
  groups.pop_back();
}

std::vector<std::uint32_t> GroupTable::sorted() const {
  std::vector<std::uint32_t> order(groups.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
    return group_key::compare_keys(groups[a].key, groups[b].key) < 0;
  });
  return order;
}

WindowState& WindowStore::insert(Micros start, Micros end) {
  auto [it, inserted] = map_.try_emplace({end, start});
  it->second.start = start;
  it->second.end = end;
  it->second.bytes = kWindowStateBytes;
  for (Slot& c : cache_) c = Slot{};
  return it->second;
}

void SessionStore::close_until(Micros watermark,
                               std::vector<std::pair<std::string, Session>>* closed) {
  min_end_ = kMaxEventTime;
  for (auto it = map_.begin(); it != map_.end();) {
    auto& list = it->second;
    for (std::size_t i = 0; i < list.size();) {
      if (list[i].end <= watermark) {
        closed->emplace_back(it->first, std::move(list[i]));
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        min_end_ = std::min(min_end_, list[i].end);
        ++i;
      }
    }
    it = list.empty() ? map_.erase(it) : std::next(it);
  }
}

void SessionStore::insert(std::string_view key, Session s) {
  min_end_ = std::min(min_end_, s.end);
  auto it = map_.find(key);
  if (it == map_.end()) it = map_.emplace(std::string(key), std::vector<Session>{}).first;
  it->second.push_back(std::move(s));
}

std::vector<const SessionStore::Map::value_type*> SessionStore::sorted() const {
  std::vector<const Map::value_type*> keys;
  keys.reserve(map_.size());
  for (const auto& entry : map_) keys.push_back(&entry);
  std::sort(keys.begin(), keys.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return keys;
}

}  // namespace sx
