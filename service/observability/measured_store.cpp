#include "observability/measured_store.hpp"

#include <chrono>

namespace ferry {

namespace {

// Records the transaction's duration however it ends: a failed or refused one took its time too.
class Timed {
public:
    Timed(Metrics& metrics, bool write) : metrics_(metrics), write_(write) {}
    ~Timed() {
        metrics_.store_transaction(write_,
                                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

private:
    Metrics& metrics_;
    bool write_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

MeasuredStore::MeasuredStore(std::unique_ptr<Store> inner, Metrics& metrics, std::string_view backend)
    : inner_(std::move(inner)), metrics_(metrics) {
    metrics_.set_store_backend(backend);
}

void MeasuredStore::read_tx(const std::function<void(Tx&)>& fn) {
    const Timed timed(metrics_, false);
    inner_->read_tx(fn);
}

void MeasuredStore::write_tx(const std::function<void(Tx&)>& fn) {
    const Timed timed(metrics_, true);
    inner_->write_tx(fn);
}

}  // namespace ferry
