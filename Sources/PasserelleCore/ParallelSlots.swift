import Foundation

/// Results of work spread over the cores, one slot per index, each written once.
public final class ParallelSlots<Value>: @unchecked Sendable {  // `lock` guards `slots`
    private let lock = NSLock()
    private var slots: [Value?]

    public init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    public func set(_ index: Int, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    public var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
