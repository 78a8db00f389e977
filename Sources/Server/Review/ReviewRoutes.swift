import Hummingbird
import Store

/// The officers' pages under `/review`: sign-in open to all, everything else behind a session,
/// every POST behind the session's CSRF token, every error an HTML page.
func addReviewRoutes<Store: ClaimStore & OfficerStore & ReviewStore>(
    to router: Router<AppRequestContext>, configuration: ServerConfiguration, store: Store) {
    let pages = ReviewPages(branch: store.branch)
    let review = router.group("review", context: ReviewRequestContext.self)
        .add(middleware: ReviewErrorMiddleware(pages: pages))
        .add(middleware: OfficerSessionMiddleware(store: store))
    let signIn = SignInController(store: store, pages: pages, secureCookies: configuration.secureCookies)
    signIn.addRoutes(to: review)

    let officer = review.group(context: OfficerRequestContext.self)
        .add(middleware: CSRFMiddleware())
    signIn.addSignOut(to: officer)
    ReviewController(store: store, pages: pages, renderer: ScanRenderer()).addRoutes(to: officer)
    CallsController(store: store, pages: pages).addRoutes(to: officer)
}
