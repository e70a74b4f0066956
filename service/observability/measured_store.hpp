#pragma once
// A Store that times every transaction of the store it wraps into Metrics (by backend, read or
// write) and otherwise only forwards: the backends and the code calling them stay unaware of it.

#include "observability/metrics.hpp"
#include "store/store.hpp"

#include <memory>
#include <string_view>

namespace ferry {

class MeasuredStore final : public Store {
public:
    // `backend`: "sqlite" or "postgres", the label of its transactions.
    MeasuredStore(std::unique_ptr<Store> inner, Metrics& metrics, std::string_view backend);

    std::unique_ptr<Lease> lock(std::string_view name) override { return inner_->lock(name); }
    std::unique_ptr<Lease> try_lock(std::string_view name) override { return inner_->try_lock(name); }
    void read_tx(const std::function<void(Tx&)>& fn) override;
    void write_tx(const std::function<void(Tx&)>& fn) override;
    bool healthy() override { return inner_->healthy(); }

private:
    std::unique_ptr<Store> inner_;
    Metrics& metrics_;
};

}  // namespace ferry
