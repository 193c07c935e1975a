/// An error from the Plot module. Its description is one line that names the file involved,
/// like the kit's `CourseError` (Plot does not depend on Core, so it has its own type).
public struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
