import ArgumentParser
import Core
import Foundation
import Testing
@testable import course

/// The exercise loop's commands: a stale binary is noticed, `course watch` sees saves, and
/// hints say when there are no more.
@Suite("The exercise loop")
struct ExerciseLoopTests {
    static func tempPackage() throws -> URL {
        let root = ScratchFolder.root.appendingPathComponent("loop-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("exercises/01-autograd"), withIntermediateDirectories: true)
        return root
    }

    @Test("An exercise file saved after the binary was built is found stale, and only that one")
    func staleFiles() throws {
        let root = try Self.tempPackage()
        defer { try? FileManager.default.removeItem(at: root) }
        let old = root.appendingPathComponent("exercises/01-autograd/Old.swift"), new = root.appendingPathComponent("exercises/01-autograd/New.swift")
        try "// old".write(to: old, atomically: true, encoding: .utf8)
        try "// new".write(to: new, atomically: true, encoding: .utf8)
        let built = Date()
        try FileManager.default.setAttributes([.modificationDate: built.addingTimeInterval(-60)], ofItemAtPath: old.path)
        try FileManager.default.setAttributes([.modificationDate: built.addingTimeInterval(5)], ofItemAtPath: new.path)
        #expect(Freshness.files(in: root, newerThan: built) == ["exercises/01-autograd/New.swift"])
        #expect(Freshness.files(in: root, newerThan: built.addingTimeInterval(10)) == [])
    }

    @Test("Watch's snapshot changes when a file is saved and not otherwise")
    func snapshotSeesSaves() throws {
        let root = try Self.tempPackage()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("exercises/01-autograd/TanhNode.swift")
        try "// stub".write(to: file, atomically: true, encoding: .utf8)
        let before = Freshness.snapshot(root)
        #expect(Freshness.snapshot(root) == before)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3)], ofItemAtPath: file.path)
        #expect(Freshness.snapshot(root) != before)
    }

    @Test("Every exercise has three hint levels, and asking for a fourth says it does not exist")
    func hintLevels() throws {
        var ok = try #require(try Course.parseAsRoot(["hint", "7.1", "--level", "3"]) as? HintCommand)
        try ok.run()
        var tooFar = try #require(try Course.parseAsRoot(["hint", "7.1", "--level", "4"]) as? HintCommand)
        #expect(throws: CourseError.self) { try tooFar.run() }
        do { try tooFar.run() } catch let e as CourseError { #expect(e.message.contains("does not exist")) }
    }

    @Test("course watch parses, with a chapter and an interval")
    func watchParses() throws {
        let w = try #require(try Course.parseAsRoot(["watch", "7", "--interval", "1"]) as? WatchCommand)
        #expect(w.chapter == 7 && w.interval == 1)
    }
}
