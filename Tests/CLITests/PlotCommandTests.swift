import Core
import Foundation
import Plot
import Testing
@testable import DPO
@testable import course

@Suite("course plot")
struct PlotCommandTests {
    func folder() throws -> String {
        let dir = ScratchFolder.root.appendingPathComponent("plot-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    func csv(_ text: String, in dir: String, name: String = "metrics.csv") throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The one-line message of the error `body` throws.
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test("a metrics CSV becomes a PNG line chart, sparse columns drawn as markers")
    func writesChart() throws {
        let dir = try folder()
        var text = "step,loss,eval_loss\n"
        for s in 0..<200 { text += "\(s),\(3 - Double(s) / 100),\(s % 50 == 0 ? "\(3.1 - Double(s) / 100)" : "")\n" }
        let path = try csv(text, in: dir)
        let out = dir + "/loss.png"
        let cmd = try PlotCommand.parse([path, "--y", "loss,eval_loss", "--smooth", "0.9", "-o", out, "--width", "300", "--height", "200"])
        try cmd.run()
        let image = try PNGImage.read(path: out)
        #expect(image.width == 600 && image.height == 400)
        let chart = try PlotCommand.chart(csv: path, x: "step", y: ["loss", "eval_loss"], smooth: 0.9, logY: false, title: nil)
        #expect(chart.series[0].x.count == 200 && chart.series[0].smoothing == 0.9)
        #expect(chart.series[1].x == [0, 50, 100, 150] && chart.series[1].marker == .circle && chart.series[1].smoothing == nil)
    }

    @Test("bad CSVs give one-line errors naming the file, line and column")
    func badInput() throws {
        let dir = try folder()
        let good = try csv("step,loss\n0,1\n1,2\n", in: dir)
        let missing = message { _ = try PlotCommand.chart(csv: good, x: "step", y: ["eval_loss"], smooth: nil, logY: false, title: nil) }
        #expect(missing == "\(good):1: no column \"eval_loss\" (columns: step, loss)")
        let badX = message { _ = try PlotCommand.chart(csv: good, x: "epoch", y: nil, smooth: nil, logY: false, title: nil) }
        #expect(badX?.hasPrefix("\(good):1: no column \"epoch\"") == true)
        let words = try csv("step,loss\n0,1\n1,oops\n", in: dir, name: "words.csv")
        let nonNumeric = message { _ = try PlotCommand.chart(csv: words, x: "step", y: ["loss"], smooth: nil, logY: false, title: nil) }
        #expect(nonNumeric == "\(words):3: column \"loss\": \"oops\" is not a number")
        let header = try csv("step,loss\n", in: dir, name: "header.csv")
        let noRows = message { _ = try PlotCommand.chart(csv: header, x: "step", y: ["loss"], smooth: nil, logY: false, title: nil) }
        #expect(noRows == "\(header):2: no data rows (the file has only a header)")
        let blank = try csv("step,loss\n0,\n1,\n", in: dir, name: "blank.csv")
        let empty = message { _ = try PlotCommand.chart(csv: blank, x: "step", y: ["loss"], smooth: nil, logY: false, title: nil) }
        #expect(empty == "\(blank):1: column \"loss\" has no numbers")
        for m in [missing, badX, nonNumeric, noRows, empty] { #expect(m?.contains("\n") == false) }
    }

    @Test("an unwritable output path gives a clear one-line error")
    func unwritable() throws {
        let dir = try folder()
        let path = try csv("step,loss\n0,1\n1,2\n", in: dir)
        try Data().write(to: URL(fileURLWithPath: dir + "/blocker"))
        let out = dir + "/blocker/loss.png"
        let m = message { let cmd = try PlotCommand.parse([path, "--y", "loss", "-o", out]); try cmd.run() }
        #expect(m?.hasPrefix("cannot write \(out)") == true)
        #expect(m?.contains("\n") == false)
    }

    @Test("the demo gallery writes one PNG per chart kind")
    func demo() throws {
        let dir = try folder()
        let written = try Gallery.write(to: dir)
        #expect(written.count == 6)
        for path in written {
            let image = try PNGImage.read(path: path)
            #expect(image.width == 1600 && image.height == 1000)
        }
    }
}

@Suite("course plot --run")
struct PlotRunTests {
    func folder(_ name: String) throws -> URL {
        let dir = ScratchFolder.root.appendingPathComponent("plot-run-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func write(_ text: String, _ dir: URL, _ name: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func pngs(_ paths: [String]) throws -> [Int] { try paths.map { try PNGImage.read(path: $0).width } }

    @Test("An RL run's figures are drawn again from metrics.csv, columns it lacks left out")
    func rlRun() throws {
        let dir = try folder("ppo")
        try write(#"{"algo": "ppo"}"#, dir, "config.json")
        var csv = "step,reward,grader,kl,entropy,clip_fraction,approx_kl,reply_length,finished,eval_grader\n0,,,,,,,,,0.8\n"
        for s in 1...12 { csv += "\(s),\(0.7 + 0.01 * Double(s)),0.7,\(0.1 * Double(s)),0.2,0.01,0.002,120,1,\(s % 6 == 0 ? "0.82" : "")\n" }
        try write(csv, dir, "metrics.csv")   // no value_loss, eval_kl or eval_sampled_grader columns
        let written = try PlotCommand.redraw(run: dir.path)
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == ["rewards.png", "kl.png", "diagnostics.png"])
        #expect(try pngs(written).allSatisfy { $0 > 100 })
    }

    @Test("The over-optimisation study and the DPO comparison are drawn again from their JSON")
    func studies() throws {
        let study = try folder("overopt")
        try write(#"[{"step":0,"kl":0,"rewardModel":0.5,"grader":0.8},{"step":8,"kl":3,"rewardModel":1.6,"grader":0.82},{"step":16,"kl":2,"rewardModel":1.4,"grader":0.75}]"#,
                  study, "points.json")
        #expect(try pngs(try PlotCommand.redraw(run: study.path)).count == 3)

        let compare = try folder("dpo")
        var sft = PolicyReport(name: "sft"), dpo = PolicyReport(name: "sigmoid")
        (sft.overall, sft.winRate, dpo.overall, dpo.winRate) = (0.82, 0.5, 0.85, 0.6)
        try writeJSON([sft, dpo], to: compare.appendingPathComponent("comparison.json"))
        let written = try PlotCommand.redraw(run: compare.path)
        #expect(written.first.map { URL(fileURLWithPath: $0).lastPathComponent } == "scores.png")
        #expect(try pngs(written).count == 6)
        let figure = DPOCompareRun.scoreFigure([sft, dpo])
        #expect(figure.panels.map(\.yLabel) == ["grader overall (0-1)", "win rate"])
        guard case .bar(let wins) = figure.panels[1] else { Issue.record("the win rate is a bar panel"); return }
        #expect(wins.referenceLines.map(\.value) == [0.5], "the win-rate panel marks 0.5")
    }

    @Test("A folder that is not a run, or is missing, gets a one-line error")
    func notARun() throws {
        let empty = try folder("empty")
        for path in [empty.path, empty.path + "/missing"] {
            do { _ = try PlotCommand.redraw(run: path); Issue.record("no error for \(path)") } catch {
                #expect("\(error)".hasPrefix(path + ": ") && !"\(error)".contains("\n"), "\(error)")
            }
        }
        let bad = try folder("bad")
        try write("[1, 2]", bad, "points.json")
        do { _ = try PlotCommand.redraw(run: bad.path); Issue.record("no error for bad points.json") } catch {
            #expect("\(error)".contains("points.json"), "\(error)")
        }
    }
}
