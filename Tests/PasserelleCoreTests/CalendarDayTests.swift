import Testing
@testable import PasserelleCore

@Suite struct CalendarDayTests {
    @Test(arguments: [
        ("31/12/2026", "2026-12-31"), ("1/2/2027", "2027-02-01"), ("31-01-2027", "2027-01-31"), ("31.01.2027", "2027-01-31"),
        ("2026-12-31", "2026-12-31"), (" 29/02/2028 ", "2028-02-29"),
    ])
    func frenchAndISODaysAreRead(typed: String, expected: String) {
        #expect(CalendarDay.parse(typed) == expected)
    }

    @Test(arguments: ["31/02/2027", "29/02/2027", "00/01/2027", "12/13/2026", "2026/31/12", "31/12/26", "31/12/1999",
                      "demain", "", "1/1/2027/1", "３１/１２/２０２６", "99999999999/1/1"])
    func otherTextIsRefused(typed: String) {
        #expect(CalendarDay.parse(typed) == nil)
    }
}
