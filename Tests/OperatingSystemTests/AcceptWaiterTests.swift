import CSystemShims
import Dispatch
import Glibc
import OperatingSystem
import XCTest

/// The request threads' wait for a connection (`nv_accept_waiter_wait`). The listen socket is
/// in each thread's set with EPOLLEXCLUSIVE, so a connection wakes one waiting thread: the one
/// that has waited longest, and a thread that is stopping must still hear of it, or the
/// connection waits in the backlog, unseen by every other waiter, for the next one to arrive.
final class AcceptWaiterTests: XCTestCase {
    private var listener: (descriptor: Int32, port: UInt16) = (-1, 0)
    private var stop: [Int32] = [-1, -1]
    private var waiters: [Int32] = []

    override func setUpWithError() throws {
        listener = try Self.loopbackListener()
        XCTAssertEqual(pipe(&stop), 0)
    }

    override func tearDown() {
        for descriptor in waiters + stop + [listener.descriptor] where descriptor >= 0 { close(descriptor) }
    }

    /// A thread's wait set over `stop[0]` and the listener, closed by `tearDown`.
    private func makeWaiter() -> Int32 {
        let waiter = nv_accept_waiter_create(stop[0], listener.descriptor)
        XCTAssertGreaterThanOrEqual(waiter, 0)
        waiters.append(waiter)
        return waiter
    }

    func testAStopWithAConnectionWaitingReportsBoth() throws {
        let waiter = makeWaiter()
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], listener.descriptor, 0), 2, "nothing ready yet")
        let client = try Self.connect(to: listener.port)
        defer { close(client) }
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], listener.descriptor, 1000), 1, "a connection")
        var byte: UInt8 = 1
        XCTAssertEqual(write(stop[1], &byte, 1), 1)
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], listener.descriptor, 1000), 3, "the stop, and the connection still waiting")
        let accepted = accept(listener.descriptor, nil, nil)
        XCTAssertGreaterThanOrEqual(accepted, 0)
        close(accepted)
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], listener.descriptor, 1000), 0, "the stop alone")
    }

    /// Two waiters on one listen socket, like the threads of two workers: the one that has
    /// waited longer gets the connection, though the other was added to the socket first.
    /// Without the fresh registration per wait, the first-added set always won, and one worker's
    /// threads took nearly every connection while the other's idled.
    func testTheWaiterIdleLongestGetsTheConnection() throws {
        let (addedFirst, addedSecond) = (makeWaiter(), makeWaiter())
        let (stop, listener) = (self.stop, self.listener)

        let waits = DispatchGroup()
        let longerWaiterAnswer = Locked<Int32?>(nil)
        DispatchQueue.global().async(group: waits) {
            let answer = nv_accept_waiter_wait(addedSecond, stop[0], listener.descriptor, 1500)
            longerWaiterAnswer.withLock { $0 = answer }
        }
        usleep(200_000)
        DispatchQueue.global().async(group: waits) { _ = nv_accept_waiter_wait(addedFirst, stop[0], listener.descriptor, 1500) }
        usleep(200_000)
        let client = try Self.connect(to: listener.port)
        defer { close(client) }
        usleep(300_000)
        XCTAssertEqual(longerWaiterAnswer.withLock { $0 }, 1, "the set waiting longer was woken for the connection")
        waits.wait()
    }

    private static func loopbackListener() throws -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 8) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    private static func connect(to port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard descriptor >= 0, connected else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return descriptor
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(INADDR_LOOPBACK).bigEndian
        return address
    }
}
