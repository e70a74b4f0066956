// The only translation unit that instantiates Boost.Beast and Asio's socket machinery.

#include "http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace ferry::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

class SessionBase {
public:
    virtual ~SessionBase() = default;
    // Called once shutdown starts: an idle connection closes now, a busy one after its response.
    virtual void drain() = 0;
    // Closes the connection from any thread (at the drain deadline).
    virtual void abort() = 0;
};

}  // namespace

struct Server::Impl {
    ServerOptions options;
    RequestHandler handler;
    ErrorResponder refuse;
    net::io_context ioc;
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor;
    net::thread_pool workers;
    net::signal_set signals;
    net::steady_timer drain_timer;
    std::atomic<bool> draining{false};
    std::atomic<int> in_flight{0};
    std::chrono::steady_clock::time_point drain_deadline;

    std::mutex sessions_mutex;
    std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;

    Impl(ServerOptions opts, RequestHandler h, ErrorResponder r)
        : options(std::move(opts)),
          handler(std::move(h)),
          refuse(std::move(r)),
          ioc(std::max(1, options.io_threads)),
          // The acceptor, the signals and shutdown share one strand: closing the acceptor never races an accept.
          acceptor(net::make_strand(ioc)),
          workers(static_cast<std::size_t>(std::max(1, options.workers))),
          signals(acceptor.get_executor(), SIGINT, SIGTERM),
          drain_timer(acceptor.get_executor()) {}

    void add(const std::shared_ptr<SessionBase>& s) {
        std::lock_guard lock(sessions_mutex);
        sessions.emplace(s.get(), s);
    }

    void remove(SessionBase* s) {
        std::lock_guard lock(sessions_mutex);
        sessions.erase(s);
    }

    std::vector<std::shared_ptr<SessionBase>> live_sessions() {
        std::vector<std::shared_ptr<SessionBase>> out;
        std::lock_guard lock(sessions_mutex);
        for (auto& [ptr, weak] : sessions)
            if (auto s = weak.lock()) out.push_back(std::move(s));
        return out;
    }

    void do_accept();
    void begin_shutdown();
    void watch_drain();
};

namespace {

template <class Stream>
constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    Session(Server::Impl& server, tcp::socket&& socket)
        : server_(server), stream_(make_stream(server, std::move(socket))) {
        beast::error_code ec;
        const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (!ec) remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }

    ~Session() override { server_.remove(this); }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() {
        net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (is_tls<Stream>) {
                self->lowest().expires_after(self->server_.options.read_timeout);
                self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
                    if (ec) return self->close_now();
                    self->wait_for_request();
                });
            } else {
                self->wait_for_request();
            }
        });
    }

    void drain() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] {
            if (self->idle_) self->close_now();
        });
    }

    void abort() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close_now(); });
    }

    void close_now() {
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close();
    }

private:
    static Stream make_stream(Server::Impl& server, tcp::socket&& socket) {
        if constexpr (is_tls<Stream>)
            return Stream(std::move(socket), *server.tls);
        else
            return Stream(std::move(socket));
    }

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void wait_for_request() {
        if (server_.draining) return close_gracefully();
        // A fresh parser for every message, so each request gets its own limits and state.
        parser_.emplace();
        parser_->body_limit(server_.options.max_body);
        parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header));
        if (buffer_.size() > 0) return read_header();
        // Waiting for the next request on a kept-alive connection is bounded by the idle timeout;
        // once its first byte arrives, the whole request must come within the read timeout.
        idle_ = true;
        lowest().expires_after(server_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->idle_ = false;
                                    if (ec) return self->close_now();
                                    self->buffer_.commit(n);
                                    self->read_header();
                                });
    }

    void read_header() {
        lowest().expires_after(server_.options.read_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->on_read_error(ec);
                                     self->on_header();
                                 });
    }

    void on_header() {
        const auto& msg = parser_->get();
        if (beast::iequals(msg[bhttp::field::expect], "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, msg.version());
            bhttp::async_write(stream_, *cont,
                               [self = this->shared_from_this(), cont](beast::error_code ec, std::size_t) {
                                   if (ec) return self->close_now();
                                   self->read_body();
                               });
            return;
        }
        read_body();
    }

    void read_body() {
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->on_read_error(ec);
                              self->dispatch_request();
                          });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream) return close_gracefully();
        if (ec == bhttp::error::body_limit)
            return refuse(413, "payload_too_large",
                          "request body exceeds " + std::to_string(server_.options.max_body) + " bytes");
        if (ec == bhttp::error::header_limit) return refuse(431, "header_too_large", "request header is too large");
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
            return refuse(400, "bad_request", "malformed HTTP request");
        close_now();  // timeout, reset by peer, TLS failure: nobody to answer
    }

    void dispatch_request() {
        auto msg = parser_->release();
        keep_alive_ = msg.keep_alive();
        version_ = msg.version();
        Request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        req.remote = remote_;
        for (const auto& field : msg) {
            std::string name(field.name_string());
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            req.headers.push_back(Header{std::move(name), std::string(field.value())});
        }
        req.body = std::move(msg.body());
        // Beyond the in-flight bound, answer at once instead of queueing work nobody can serve soon.
        if (server_.in_flight.fetch_add(1) >= server_.options.max_in_flight) {
            server_.in_flight.fetch_sub(1);
            Response busy = server_.refuse(503, "overloaded", "too many requests in flight; retry shortly");
            busy.set_header("Retry-After", "1");
            return write(std::move(busy), false, false);
        }
        // Handlers may block on storage, so they run on the worker pool, never on this I/O thread.
        // The work guard keeps the I/O loop alive until the response is handed back.
        net::post(server_.workers, [self = this->shared_from_this(), req = std::move(req),
                                    guard = net::make_work_guard(stream_.get_executor())]() mutable {
            Response res = self->server_.handler(req);
            net::post(self->stream_.get_executor(),
                      [self, res = std::move(res)]() mutable { self->write(std::move(res), false, true); });
        });
    }

    void refuse(int status, std::string_view code, const std::string& message) {
        Response res = server_.refuse(status, code, message);
        res.close = true;
        write(std::move(res), true, false);
    }

    // counted: the request was dispatched to a worker and holds an in-flight slot until written.
    void write(Response res, bool linger, bool counted) {
        const bool keep = keep_alive_ && !res.close && !server_.draining;
        if (res.head) {
            // The GET answer's headers, Content-Length included, and no body.
            auto msg = std::make_shared<bhttp::response<bhttp::empty_body>>();
            fill(*msg, res, keep);
            if (res.status != 204 && res.status != 304) msg->content_length(res.body.size());
            return send(std::move(msg), keep, linger, counted);
        }
        auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
        fill(*msg, res, keep);
        msg->body() = std::move(res.body);
        msg->prepare_payload();
        send(std::move(msg), keep, linger, counted);
    }

    template <class Body>
    void fill(bhttp::response<Body>& msg, const Response& res, bool keep) {
        msg.version(version_);
        msg.result(static_cast<unsigned>(res.status));
        msg.set(bhttp::field::server, "ferryd");
        if (!res.content_type.empty() && (!res.body.empty() || res.status != 204))
            msg.set(bhttp::field::content_type, res.content_type);
        for (const auto& h : res.headers) msg.set(h.name, h.value);
        msg.keep_alive(keep);
    }

    template <class Message>
    void send(std::shared_ptr<Message> msg, bool keep, bool linger, bool counted) {
        lowest().expires_after(server_.options.write_timeout);
        bhttp::async_write(
            stream_, *msg,
            [self = this->shared_from_this(), msg, keep, linger, counted](beast::error_code ec, std::size_t) {
                if (counted) self->server_.in_flight.fetch_sub(1);
                if (ec) return self->close_now();
                if (linger) return self->linger_close();
                if (!keep) return self->close_gracefully();
                self->wait_for_request();
            });
    }

    // After refusing a request whose body is still arriving, keep reading (and discarding) for a
    // moment: closing with unread data makes the kernel send a reset that can destroy the
    // response before the client reads it.
    void linger_close() {
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
        lowest().expires_after(std::chrono::seconds(2));
        discard();
    }

    void discard() {
        buffer_.consume(buffer_.size());
        stream_.async_read_some(buffer_.prepare(65536),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close_now();
                                    self->discard();
                                });
    }

    void close_gracefully() {
        if constexpr (is_tls<Stream>) {
            lowest().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_now(); });
        } else {
            beast::error_code ec;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
            close_now();
        }
    }

    Server::Impl& server_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::string remote_;
    bool idle_ = false;
    bool keep_alive_ = false;
    unsigned version_ = 11;
};

}  // namespace

void Server::Impl::do_accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (!acceptor.is_open()) return;  // closed by shutdown
            return do_accept();               // e.g. EMFILE: keep serving the connections we have
        }
        if (draining) return;
        if (tls) {
            auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket));
            add(s);
            s->start();
        } else {
            auto s = std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket));
            add(s);
            s->start();
        }
        do_accept();
    });
}

void Server::Impl::begin_shutdown() {
    if (draining.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    drain_deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    for (auto& s : live_sessions()) s->drain();
    watch_drain();
}

void Server::Impl::watch_drain() {
    auto live = live_sessions();
    if (live.empty()) return;  // nothing left: the I/O loop runs out of work and returns
    if (std::chrono::steady_clock::now() >= drain_deadline) {
        for (auto& s : live) s->abort();
        return;
    }
    live.clear();
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this](beast::error_code ec) {
        if (!ec) watch_drain();
    });
}

Server::Server(ServerOptions options, RequestHandler handler, ErrorResponder refuse)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handler), std::move(refuse))) {
    Impl& s = *impl_;
    if (s.options.tls_cert || s.options.tls_key) {
        if (!s.options.tls_cert || !s.options.tls_key) throw std::runtime_error("--tls-cert and --tls-key go together");
        s.tls.emplace(ssl::context::tls_server);
        s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
        SSL_CTX_set_min_proto_version(s.tls->native_handle(), TLS1_2_VERSION);
        beast::error_code ec;
        s.tls->use_certificate_chain_file(*s.options.tls_cert, ec);
        if (ec) throw std::runtime_error("cannot load TLS certificate " + *s.options.tls_cert + ": " + ec.message());
        s.tls->use_private_key_file(*s.options.tls_key, ssl::context::pem, ec);
        if (ec) throw std::runtime_error("cannot load TLS key " + *s.options.tls_key + ": " + ec.message());
    }
    beast::error_code ec;
    const auto address = net::ip::make_address(s.options.address, ec);
    if (ec) throw std::runtime_error("invalid listen address " + s.options.address);
    const tcp::endpoint endpoint(address, s.options.port);
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + s.options.address + ":" + std::to_string(s.options.port) + ": " +
                                 ec.message());
}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

bool Server::accepting() const { return !impl_->draining; }

void Server::run() {
    Impl& s = *impl_;
    s.signals.async_wait([&s](beast::error_code ec, int) {
        if (!ec) s.begin_shutdown();
    });
    net::dispatch(s.acceptor.get_executor(), [&s] { s.do_accept(); });
    std::vector<std::thread> threads;
    for (int i = 1; i < s.options.io_threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
    s.ioc.run();
    for (auto& t : threads) t.join();
    s.workers.join();
}

void Server::shutdown() {
    net::post(impl_->acceptor.get_executor(), [impl = impl_] { impl->begin_shutdown(); });
}

}  // namespace ferry::http
