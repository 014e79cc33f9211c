using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Homework.Experiments;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Docs;

/// <summary>
/// The README's numbers against the files they come from: the claims table against the
/// catalog and the golden files of both profiles, the counts in the text against the same,
/// the profiles table against the presets, the layout against the folders, and every link
/// against the repository (a clone has nothing outside it).
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly ProjectPaths Paths = ProjectPaths.Discover();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Paths.Root, "README.md")).ReplaceLineEndings("\n");

    /// <summary>Runs of white space as one space: prose is wrapped anywhere.</summary>
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    /// <summary>What a golden file says about a claim at one profile; read as plain JSON, so the test does not depend on the golden record type.</summary>
    private sealed record Golden(string Kind, string Verdict, long Holds, long Seeds, string Summary, Effect Effect)
    {
        /// <summary>The verdict cell as the README writes it: "reproduced 5/5", "**contradicted** 0/5", "passes 5/5", "artifact, reproduced 5/5".</summary>
        public string Cell
        {
            get
            {
                string words = (Kind, Verdict) switch
                {
                    ("check", "reproduced") => "passes",
                    ("check", "contradicted") => "fails",
                    _ => Verdict.Replace('-', ' '),
                };
                string shown = words is "reproduced" or "passes" ? words : $"**{words}**";
                return $"{(Kind == "artifact" ? "artifact, " : "")}{shown} {Holds}/{Seeds}";
            }
        }

        public bool Reproduced => Verdict == "reproduced";
    }

    private static Golden Read(string profile, string claimId)
    {
        string path = Path.Combine(Paths.GoldenRoot, profile, claimId + ".verified.json");
        string text = File.ReadAllText(path);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return new Golden(root.GetProperty("kind").GetString()!, root.GetProperty("verdict").GetString()!, root.GetProperty("holds").GetInt64(),
            root.GetProperty("seeds").GetInt64(), root.GetProperty("summary").GetString()!,
            Json.Deserialize<Effect>(root.GetProperty("effect").GetRawText(), path, "restore it from git"));
    }

    /// <summary>One row of the claims table.</summary>
    private sealed record Row(string Id, int[] Figures, string Statement, string Full, string Quick, string Effect, string KeyNumbers);

    private static string Section(string heading)
    {
        int start = Readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the README has a section `{heading}`");
        int level = heading.TakeWhile(c => c == '#').Count();
        var next = new Regex($"\n#{{1,{level}}} ").Match(Readme, start + heading.Length + 1);
        return Readme[start..(next.Success ? next.Index : Readme.Length)];
    }

    private static IReadOnlyList<Row> ClaimsTable()
    {
        var rows = new List<Row>();
        foreach (string line in Section("## What the report claims, and what the reproduction finds").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            string[] cells = line.Trim('|', ' ').Split(" | ");
            cells.Should().HaveCount(6, $"a claims row has six cells: {line}");
            rows.Add(new Row(
                cells[0].Split('`')[1],
                FigureLink().Matches(cells[0]).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray(),
                cells[1], cells[2], cells[3], cells[4], cells[5]));
        }
        return rows;
    }

    [Fact]
    public void The_claims_table_has_one_row_per_claim_with_the_golden_files_verdicts_effects_and_key_numbers()
    {
        var rows = ClaimsTable();
        rows.Select(r => r.Id).Should().Equal(Catalog.Claims.Select(c => c.Id), "the table lists every claim once, in the catalog's order");
        foreach (var row in rows)
        {
            var claim = Catalog.FindClaim(row.Id);
            row.Figures.Should().Equal(claim.Figures, $"the figures of {row.Id}");
            row.Statement.Should().StartWith($"“{claim.Statement}”", $"the row of {row.Id} quotes its statement");
            row.Full.Should().Be(Read("full", row.Id).Cell, $"{row.Id} at full is as its golden file says");
            row.Quick.Should().Be(Read("quick", row.Id).Cell, $"{row.Id} at quick is as its golden file says");
            row.Effect.Should().Be(Read("full", row.Id).Effect.Describe(), $"the effect of {row.Id} is its full golden file's");
            row.KeyNumbers.Should().Be(Read("full", row.Id).Summary, $"the key numbers of {row.Id} are its full golden file's summary");
        }
    }

    [Fact]
    public void Rows_that_quote_one_statement_say_what_tells_them_apart()
    {
        foreach (var group in ClaimsTable().GroupBy(r => Catalog.FindClaim(r.Id).Statement).Where(g => g.Count() > 1))
        {
            var notes = group.Select(r => ThisRow().Match(r.Statement)).ToList();
            notes.Should().OnlyContain(m => m.Success, $"rows quoting one statement ({string.Join(", ", group.Select(r => r.Id))}) each say *This row: ...*");
            notes.Select(m => m.Groups[1].Value).Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void The_counts_in_the_text_are_the_catalogs_and_the_golden_files()
    {
        var section = Section("## What the report claims, and what the reproduction finds");
        var findings = Catalog.Claims.Where(c => c.Kind == ClaimKind.Finding).ToList();
        int reproduced = findings.Count(c => Read("full", c.Id).Reproduced);
        Flat(section).Should().Contain($"{Catalog.Claims.Count} claims, each checked at both profiles");
        Flat(section).Should().Contain($"**{reproduced} of {findings.Count} findings reproduce.**");

        var failing = findings.Where(c => !Read("full", c.Id).Reproduced).Select(c => c.Id).ToList();
        var why = Section($"### The {Words(failing.Count)} findings that do not reproduce, and why");
        BoldIds().Matches(why).Select(m => m.Groups[1].Value).Distinct().Should().BeEquivalentTo(failing);

        var differ = Catalog.Claims.Where(c => Read("full", c.Id).Verdict != Read("quick", c.Id).Verdict).Select(c => c.Id).ToList();
        string phrase = $"The quick profile's verdict differs from the full one's in {Words(differ.Count)} claim{(differ.Count == 1 ? "" : "s")}:";
        var paragraph = section.Split("\n\n").Select(Flat).SingleOrDefault(p => p.Contains(phrase, StringComparison.Ordinal));
        paragraph.Should().NotBeNull($"the README says \"{phrase}\"");
        Ids().Matches(paragraph![paragraph.IndexOf(phrase, StringComparison.Ordinal)..]).Select(m => m.Groups[1].Value).Distinct().Should().BeEquivalentTo(differ);
    }

    [Fact]
    public void The_robustness_tables_are_the_variants_golden_files()
    {
        var section = Section("## Robustness: the verdicts under the choices the report leaves unstated");
        var tables = section.Split("\n\n").Where(b => b.TrimStart().StartsWith("| claim | preset |", StringComparison.Ordinal)).ToList();
        var experiments = Catalog.Experiments.Where(e => e.VariantList.Count > 0).ToList();
        tables.Should().HaveCount(experiments.Count, "one table per experiment with variants");
        foreach (var (table, experiment) in tables.Zip(experiments))
        {
            var lines = table.Trim().Split('\n');
            string[] header = lines[0].Trim('|', ' ').Split(" | ");
            header[2..^1].Should().Equal(experiment.VariantList.Select(v => $"`{v.Name}`"), $"the columns of {experiment.Name}'s table are its variants");
            var rows = lines.Skip(2).Select(l => l.Trim('|', ' ').Split(" | ")).ToList();
            rows.Select(r => r[0]).Should().Equal(Catalog.ClaimsOf(experiment).Select(c => $"`{c.Id}`"));
            foreach (var row in rows)
            {
                string id = row[0].Trim('`');
                row[1].Should().Be(Cell(Path.Combine(Paths.GoldenRoot, "quick", id + ".verified.json")), $"the preset cell of {id}");
                foreach (var (variant, i) in experiment.VariantList.Select((v, i) => (v, i)))
                    row[2 + i].Should().Be(Cell(Path.Combine(Paths.VariantGoldenDirectory(Profile.Quick, experiment.Name, variant.Name), id + ".verified.json")),
                        $"the {variant.Name} cell of {id} is its golden file's");
                string preset = GoldenStore.Read(Path.Combine(Paths.GoldenRoot, "quick", id + ".verified.json")).VerdictWords;
                var changed = experiment.VariantList
                    .Select(v => (v.Name, Verdict: GoldenStore.Read(Path.Combine(Paths.VariantGoldenDirectory(Profile.Quick, experiment.Name, v.Name), id + ".verified.json")).VerdictWords))
                    .Where(v => v.Verdict != preset).ToList();
                row[^1].Should().Be(changed.Count == 0
                    ? $"the same under every variant run ({experiment.VariantList.Count})"
                    : $"changes under {string.Join(", ", changed.Select(v => $"{v.Name} ({v.Verdict})"))}", $"what {id} depends on is what its golden files say");
            }
        }

        static string Cell(string path)
        {
            File.Exists(path).Should().BeTrue($"{path} exists");
            var golden = GoldenStore.Read(path);
            return $"{golden.VerdictWords} {Effect.Number(golden.Effect.Estimate)} [{Effect.Number(golden.Effect.Low)}, {Effect.Number(golden.Effect.High)}]";
        }
    }

    [Fact]
    public void The_figures_shown_are_the_catalogs_and_exist()
    {
        var shown = new Regex(@"<img src=""artifacts/reference/figures/(fig\d\d-[a-z0-9-]+\.png)""").Matches(Section("## Figures")).Select(m => m.Groups[1].Value).ToList();
        shown.Should().Equal(Catalog.Figures.Select(f => f.FileName));
        Flat(Readme).Should().Contain($"the report's {Catalog.Figures.Count - 1} figures (plus the figure the report left out)");
    }

    [Fact]
    public void The_profiles_table_names_every_experiment_with_its_part_figures_seeds_and_epochs()
    {
        var rows = Section("## Profiles").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Trim('|', ' ').Split(" | ")).ToList();
        rows.Select(r => r[0]).Should().Equal(Catalog.Experiments.Select(e =>
        {
            var figures = Catalog.FiguresOf(e).Select(f => f.Number).ToList();
            return $"`{e.Name}` ({e.Part}, {(figures.Count == 1 ? $"{figures[0]}" : $"{figures[0]}-{figures[^1]}")})";
        }));
        foreach (var (row, experiment) in rows.Zip(Catalog.Experiments))
            foreach (var (cell, profile) in new[] { (row[1], Profile.Quick), (row[3], Profile.Full) })
            {
                object config = experiment.Configure(profile);
                if (SeedCount().Match(cell) is { Success: true } seeds)
                    ((int[])config.GetType().GetProperty("Seeds")!.GetValue(config)!).Length.ToString(CultureInfo.InvariantCulture)
                        .Should().Be(seeds.Groups[1].Value, $"{experiment.Name} at {profile.Slug()}: {cell}");
                if (EpochCount().Match(cell) is { Success: true } epochs && config.GetType().GetProperty("Epochs") is { } property)
                    ((int)property.GetValue(config)!).ToString("N0", CultureInfo.InvariantCulture)
                        .Should().Be(epochs.Groups[1].Value, $"{experiment.Name} at {profile.Slug()}: {cell}");
            }
    }

    [Fact]
    public void The_layout_names_every_folder_of_the_harness()
    {
        var layout = Section("## Layout");
        foreach (string folder in new[] { "src/Experiments", "src/Models", "tests" }
                     .SelectMany(root => Directory.GetDirectories(Path.Combine(Paths.Root, root)).Select(d => $"{root}/{Path.GetFileName(d)}"))
                     .Where(d => !d.EndsWith("/bin", StringComparison.Ordinal) && !d.EndsWith("/obj", StringComparison.Ordinal) && d != "src/Experiments/Properties"))
        {
            string name = folder.Split('/')[^1];
            (layout.Contains($"`{folder}`", StringComparison.Ordinal) || (folder.StartsWith("src/Experiments/", StringComparison.Ordinal) && layout.Contains($"`{name}`", StringComparison.Ordinal)))
                .Should().BeTrue($"the layout table names {folder}");
        }
        layout.Should().Contain("`src/Experiments/Catalog.cs`");
        foreach (var experiment in Catalog.Experiments)
            layout.Should().Contain($"`{experiment.Name}`", "the layout names every experiment");
    }

    [Fact]
    public void Every_link_stays_inside_the_repository_and_leads_somewhere()
    {
        Readme.Should().NotContain("../", "a clone has nothing outside the repository");
        var anchors = Readme.Split('\n').Where(l => l.StartsWith('#')).Select(l => Slug(l.TrimStart('#').Trim())).ToHashSet();
        foreach (Match link in Link().Matches(Readme))
        {
            string target = link.Groups[1].Value;
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal)) continue;
            if (target.StartsWith('#'))
                anchors.Should().Contain(target[1..], $"the link {link.Value} leads to a heading");
            else
                (File.Exists(Path.Combine(Paths.Root, target)) || Directory.Exists(Path.Combine(Paths.Root, target)))
                    .Should().BeTrue($"the link {link.Value} leads to a file of the repository");
        }
    }

    /// <summary>GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string Slug(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    private static string Words(int count) => count switch
    {
        1 => "one", 2 => "two", 3 => "three", 4 => "four", 5 => "five", 6 => "six", 7 => "seven", 8 => "eight", 9 => "nine",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"\[(\d+)\]\(artifacts/reference/figures/fig\d\d-[a-z0-9-]+\.png\)")]
    private static partial Regex FigureLink();

    [GeneratedRegex(@"\*This row: ([^*]+)\.\*$")]
    private static partial Regex ThisRow();

    [GeneratedRegex(@"\*\*`(1-\d/[a-z0-9-]+/[a-z0-9-]+)`\*\*")]
    private static partial Regex BoldIds();

    [GeneratedRegex(@"`(1-\d/[a-z0-9-]+/[a-z0-9-]+)`")]
    private static partial Regex Ids();

    [GeneratedRegex(@"(\d+) seeds")]
    private static partial Regex SeedCount();

    [GeneratedRegex(@"([\d,]+) epochs")]
    private static partial Regex EpochCount();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
