/// A Unicode normalization form.
enum UnicodeForm: Sendable {
    case nfc, nfd, nfkc, nfkd
}
