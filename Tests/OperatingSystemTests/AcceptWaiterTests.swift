import CSystemShims
import Glibc
import XCTest

/// The request threads' wait for a connection (`nv_accept_waiter_wait`). The listen socket is
/// in the set with EPOLLEXCLUSIVE, so a connection it reports may have woken this thread
/// alone: a thread that is stopping must still hear of it, or the connection waits in the
/// backlog, unseen by every other waiter, for the next one to arrive.
final class AcceptWaiterTests: XCTestCase {
    func testAStopWithAConnectionWaitingReportsBoth() throws {
        let listener = try Self.loopbackListener()
        defer { close(listener.descriptor) }
        var stop: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&stop), 0)
        defer { close(stop[0]); close(stop[1]) }
        let waiter = nv_accept_waiter_create(stop[0], listener.descriptor)
        XCTAssertGreaterThanOrEqual(waiter, 0)
        defer { close(waiter) }

        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], 0), 2, "nothing ready yet")
        let client = try Self.connect(to: listener.port)
        defer { close(client) }
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], 1000), 1, "a connection")
        var byte: UInt8 = 1
        XCTAssertEqual(write(stop[1], &byte, 1), 1)
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], 1000), 3, "the stop, and the connection still waiting")
        let accepted = accept(listener.descriptor, nil, nil)
        XCTAssertGreaterThanOrEqual(accepted, 0)
        close(accepted)
        XCTAssertEqual(nv_accept_waiter_wait(waiter, stop[0], 1000), 0, "the stop alone")
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
