import JSON
import Tailscale
import XCTest
@testable import Gateway

/// The linking rules' choice among candidate nodes (contract: "Linking a node to a device"):
/// one candidate links; several are narrowed by name, then by other joining devices' names;
/// what remains ambiguous is never guessed.
final class NodeLinkingTests: XCTestCase {
    private func candidate(_ id: String, online: Bool = true, matchesName: Bool = false,
                           namedForAnother: Bool = false) throws -> NodeLinking.Candidate {
        let json = #"{"id":"\#(id)","hostname":"host-\#(id)","addresses":[],"tags":["tag:prod"]}"#
        let device = try TailscaleDevice(json: XCTUnwrap(JSONParser.parse(json).objectValue))
        return NodeLinking.Candidate(node: InventoryNode(device: device, online: online), matchesName: matchesName,
                                     namedForAnother: namedForAnother)
    }

    private func chosen(_ candidates: [NodeLinking.Candidate], namedByAdmin: Bool = false) -> String? {
        if case .node(let node) = NodeLinking.choose(candidates, namedByAdmin: namedByAdmin) { return node.device.id }
        return nil
    }

    private func isAmbiguous(_ candidates: [NodeLinking.Candidate], namedByAdmin: Bool = false) -> Bool {
        if case .ambiguous(let nodes) = NodeLinking.choose(candidates, namedByAdmin: namedByAdmin) {
            return nodes.count == candidates.count
        }
        return false
    }

    func testNoCandidateLinksNothing() {
        if case .none = NodeLinking.choose([], namedByAdmin: false) { return }
        XCTFail("no candidate must link nothing")
    }

    func testASingleCandidateIsLinked() throws {
        XCTAssertEqual(chosen([try candidate("1")]), "1")
    }

    func testTheNameBreaksATie() throws {
        XCTAssertEqual(chosen([try candidate("1"), try candidate("2", matchesName: true)]), "2")
    }

    func testANodeNamedForAnotherJoiningDeviceIsLeftToIt() throws {
        XCTAssertEqual(chosen([try candidate("1", namedForAnother: true), try candidate("2")]), "2")
    }

    func testTwoNamelessCandidatesAreAmbiguous() throws {
        XCTAssertTrue(isAmbiguous([try candidate("1"), try candidate("2")]))
    }

    func testTwoCandidatesWithTheDevicesNameAreAmbiguous() throws {
        XCTAssertTrue(isAmbiguous([try candidate("1", matchesName: true), try candidate("2", matchesName: true)]))
    }

    func testBeingConnectedDecidesOnlyAmongNodesAnAdminNamed() throws {
        let twoOfOneName = [try candidate("1", online: false, matchesName: true), try candidate("2", matchesName: true)]
        XCTAssertTrue(isAmbiguous(twoOfOneName))
        XCTAssertEqual(chosen(twoOfOneName, namedByAdmin: true), "2")
    }
}
