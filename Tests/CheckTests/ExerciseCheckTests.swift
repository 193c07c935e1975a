import Foundation
import Testing
@testable import Checks

/// The exercise loop is itself tested: every check passes on the reference solutions, fails on
/// a deliberately wrong variant (so no check is vacuous), and reports untouched stubs as
/// "not started" without crashing.
@Suite("Exercise checks")
struct ExerciseCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Every check passes on the reference solutions", arguments: Catalogue.all.map(\.id))
    func referencePasses(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        #expect(e.run(.reference) == .passed, "\(id) \(e.title): \(e.run(.reference))")
    }

    @Test("Every check fails on a typical wrong answer", arguments: Catalogue.all.map(\.id))
    func mutantFails(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        if case .failing = e.run(.mutant) {} else { Issue.record("\(id) \(e.title): the check does not catch the mutant") }
    }

    /// Stubs still holding their `throw Todo(...)` must be reported "not started"; a learner who
    /// has solved an exercise has removed that line, and the test leaves their file alone.
    @Test("Untouched stubs are reported as not started", arguments: Catalogue.all.map(\.id))
    func stubsNotStarted(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        let text = try String(contentsOf: Self.root.appendingPathComponent(e.file), encoding: .utf8)
        guard text.contains("throw Todo(\"\(id)\")") else { return }
        #expect(e.run(.learner) == .notStarted)
    }

    @Test("Every exercise names an existing file, a findable function and graded hints")
    func metadata() {
        for e in Catalogue.all {
            #expect(e.location(root: Self.root).hasPrefix(e.file + ":"), "\(e.id): \(e.symbol) not found in \(e.file)")
            let solution = e.file.replacingOccurrences(of: "exercises/", with: "solutions/")
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(solution).path), "\(e.id): no \(solution)")
            #expect(e.hints.count >= 2, "\(e.id) needs graded hints")
        }
        #expect(Set(Catalogue.all.map(\.id)).count == Catalogue.all.count, "duplicate exercise ids")
    }

    @Test("Each chapter with exercises has at least four")
    func counts() {
        for chapter in Set(Catalogue.all.map(\.chapter)) {
            #expect(Catalogue.chapter(chapter).count >= 4, "chapter \(chapter)")
        }
    }
}
