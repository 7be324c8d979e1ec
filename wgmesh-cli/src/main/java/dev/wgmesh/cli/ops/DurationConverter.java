package dev.wgmesh.cli.ops;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, a number of seconds, or ISO-8601 ({@code PT5M}). */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher matcher = SHORT.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
        try {
            Duration duration = Duration.parse(value.strip());
            if (!duration.isNegative()) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // told below
        }
        throw new TypeConversionException("\"" + value + "\" is not a duration such as 90s, 5m, 1h or PT5M");
    }
}
