import ArgumentParser
import Foundation

/// `course`: the one command-line tool of the kit. Each verb lives in its own file
/// (`RunCommand.swift`, `CheckCommand.swift`, ...). Errors thrown as `CourseError` print as one
/// line ("Error: file:line: message") and exit non-zero.
@main
struct Course: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Build a language model's training pipeline from scratch, one chapter at a time.",
        subcommands: [
            ListCommand.self,
            RunCommand.self,
            GradeCommand.self,
            CheckCommand.self,
            WatchCommand.self,
            HintCommand.self,
            BenchCommand.self,
            InspectCommand.self,
            LabelCommand.self,
            PlotCommand.self,
            DataCommand.self,
            BookCommand.self,
            ReportCommand.self,
            EvalCommand.self,
            GenerateCommand.self,
            LogprobsCommand.self,
            SlotsCommand.self,
            ExportCommand.self,
            ResultsCommand.self,
        ]
    )
}
