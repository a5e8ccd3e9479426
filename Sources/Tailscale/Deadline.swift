import OperatingSystem

/// The moment a whole call must be finished by.
struct Deadline {
    private let endMilliseconds: Int64

    init(millisecondsFromNow: Int) {
        endMilliseconds = MonotonicClock.milliseconds() + Int64(max(0, millisecondsFromNow))
    }

    var remainingMilliseconds: Int {
        Int(max(0, endMilliseconds - MonotonicClock.milliseconds()))
    }
}
