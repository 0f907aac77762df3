import Foundation
import Testing

@testable import Mailroom

/// The shared calendar arithmetic against Foundation's Gregorian calendar, and both directions
/// against each other.
@Suite struct CivilDateTests {
    @Test func roundTripsEveryDayFrom1600To2400() {
        var previous = CivilDate(daysSinceEpoch: -135_141)  // 1600-01-01 minus one day
        for days in -135_140...157_054 {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            // Consecutive: the next day, or the first of the next month or year.
            let next = date.day == previous.day + 1 && date.month == previous.month
                || date.day == 1 && (date.month == previous.month + 1 || date.month == 1 && date.year == previous.year + 1)
            #expect(next, "\(previous) -> \(date)")
            if date.daysSinceEpoch != days || !next { return }
            previous = date
        }
    }

    @Test func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // From 1614 on: Foundation's Gregorian calendar is Julian before October 1582, ours is proleptic.
        for days in stride(from: -130_000, through: 200_000, by: 997) + [-1, 0, 1, 11_016, 20_786, 60] {
            let components = calendar.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let date = CivilDate(daysSinceEpoch: days)
            #expect([date.year, date.month, date.day] == [components.year, components.month, components.day], "day \(days)")
        }
    }

    @Test func floorDivisionKeepsTheTimeOfDayPositive() {
        #expect(CivilDate.floorDivide(-1, by: 86_400) == (-1, 86_399))
        #expect(CivilDate.floorDivide(86_400, by: 86_400) == (1, 0))
        #expect(CivilDate.floorDivide(0, by: 86_400) == (0, 0))
    }
}
