/** The bounded, expiring rate limiter shared by the Calendly plugin and its hosts. */
module io.calbridge.limits {
    exports io.calbridge.limits;

    requires com.github.benmanes.caffeine;
}
