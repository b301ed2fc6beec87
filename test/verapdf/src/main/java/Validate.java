import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;
import org.verapdf.pdfa.validation.profiles.ValidationProfile;

/**
 * Usage: java -cp 'target/*:target/lib/*' Validate FILE.pdf FLAVOUR[,FLAVOUR...]
 * FLAVOUR is a veraPDF flavour id: ua1, ua2, 1a, 1b, 2a, 2b, 2u, 3a, 3b, 3u, 4, ...
 * Prints one JSON line per flavour; exit 0 when validation ran (even if not compliant),
 * 2 on usage error, 1 on a parse/validation error.
 */
public class Validate {
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Validate FILE.pdf FLAVOUR[,FLAVOUR...]   (flavours: "
                    + PDFAFlavour.getFlavourIds() + ")");
            System.exit(2);
        }
        File pdf = new File(args[0]);
        if (!pdf.isFile()) {
            System.out.println("{\"error\":" + q("no such file: " + args[0]) + "}");
            System.exit(1);
        }
        List<PDFAFlavour> flavours = new ArrayList<>();
        for (String id : args[1].split(",")) {
            PDFAFlavour f = PDFAFlavour.byFlavourId(id.trim());
            if (f == null || f == PDFAFlavour.NO_FLAVOUR) {
                System.err.println("unknown flavour: " + id + " (known: " + PDFAFlavour.getFlavourIds() + ")");
                System.exit(2);
            }
            flavours.add(f);
        }

        VeraGreenfieldFoundryProvider.initialise();
        try (PDFAParser parser = Foundries.defaultInstance().createParser(pdf, flavours.get(0))) {
            // One pass over the document for all requested flavours; logPassedChecks=false,
            // keep up to 100 failed check instances per rule (counts come from getFailedChecks()).
            PDFAValidator validator = Foundries.defaultInstance()
                    .createValidator(flavours, 100, false, false, false);
            List<ValidationResult> results = validator.validateAll(parser);
            for (ValidationResult r : results) {
                System.out.println(toJson(r));
            }
        } catch (Exception e) {
            System.out.println("{\"error\":" + q(e.toString()) + "}");
            System.exit(1);
        }
        System.exit(0);
    }

    private static String toJson(ValidationResult r) {
        ValidationProfile profile = r.getValidationProfile();
        // first failed assertion per rule: its error message (arguments filled in) and location
        Map<RuleId, TestAssertion> firstFailure = new LinkedHashMap<>();
        for (TestAssertion a : r.getTestAssertions()) {
            if (a.getStatus() == TestAssertion.Status.FAILED) {
                firstFailure.putIfAbsent(a.getRuleId(), a);
            }
        }
        Map<String, RuleId> sorted = new TreeMap<>();
        for (RuleId id : r.getFailedChecks().keySet()) {
            sorted.put(String.format("%s-%s-%05d", id.getSpecification(), id.getClause(), id.getTestNumber()), id);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("{\"flavour\":").append(q(r.getPDFAFlavour().getId()));
        sb.append(",\"compliant\":").append(r.isCompliant());
        sb.append(",\"status\":").append(q(String.valueOf(r.getJobEndStatus())));
        sb.append(",\"failures\":[");
        boolean first = true;
        for (RuleId id : sorted.values()) {
            Rule rule = profile == null ? null : profile.getRuleByRuleId(id);
            if (!first) sb.append(',');
            first = false;
            sb.append("{\"rule\":").append(q(id.getClause() + "-" + id.getTestNumber()));
            sb.append(",\"spec\":").append(q(String.valueOf(id.getSpecification())));
            String description = rule == null ? "" : rule.getDescription();
            sb.append(",\"description\":").append(q(description));
            TestAssertion a = firstFailure.get(id);
            if (a != null) {
                String m = a.getErrorMessage() != null ? a.getErrorMessage() : a.getMessage();
                if (m != null && !m.equals(description)) sb.append(",\"message\":").append(q(m));
                if (a.getLocation() != null) sb.append(",\"context\":").append(q(a.getLocation().getContext()));
            }
            sb.append(",\"count\":").append(r.getFailedChecks().get(id));
            sb.append('}');
        }
        sb.append("]}");
        return sb.toString();
    }

    private static String q(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
