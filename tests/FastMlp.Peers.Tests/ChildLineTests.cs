using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Tests;

/// <summary>
/// <see cref="ChildLine"/>: the one line a child process of the suite prints for its parent. The parent reads back
/// the very doubles the child wrote, finds the line among other output, and names what is missing or malformed.
/// </summary>
public sealed class ChildLineTests
{
    [Fact]
    public void Numbers_and_text_round_trip_exactly()
    {
        double seconds = 0.1 + 0.2; // 0.30000000000000004: a fixed number of digits would lose it
        string line = ChildLine.Format("w5-cold", [("fit_s", seconds), ("methods", 1234L), ("hash", "0A1B2C"), ("tiny", 1e-300)]);

        ChildLine parsed = ChildLine.Parse("w5-cold", line);

        Assert.Equal(seconds, parsed.Number("fit_s"));
        Assert.Equal(1234, parsed.Number("methods"));
        Assert.Equal("0A1B2C", parsed.Text("hash"));
        Assert.Equal(1e-300, parsed.Number("tiny"));
    }

    [Fact]
    public void A_list_of_numbers_round_trips_exactly()
    {
        double[] seconds = [0.1 + 0.2, 1e-300, 42];
        string line = ChildLine.Format("w5-cold", [("epoch_s", seconds)]);

        Assert.Equal(seconds, ChildLine.Parse("w5-cold", line).Numbers("epoch_s"));
    }

    [Fact]
    public void A_list_with_a_value_that_is_not_a_number_names_it()
    {
        var error = Assert.Throws<FormatException>(() => ChildLine.Parse("w5-cold", "w5-cold epoch_s=0.5,x,1").Numbers("epoch_s"));

        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_line_is_found_among_other_output()
    {
        string output = "some log\nw5-cold seed=3\nmore\n";

        Assert.Equal(3, ChildLine.Parse("w5-cold", output).Number("seed"));
    }

    [Fact]
    public void Output_without_the_line_names_the_tag_and_what_came()
    {
        var error = Assert.Throws<FormatException>(() => ChildLine.Parse("w5-cold", "w5-colder seed=1\n"));

        Assert.Contains("'w5-cold'", error.Message, StringComparison.Ordinal);
        Assert.Contains("w5-colder seed=1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_is_named()
    {
        ChildLine parsed = ChildLine.Parse("w5-cold", "w5-cold seed=1");

        var error = Assert.Throws<FormatException>(() => parsed.Number("fit_s"));
        Assert.Contains("'fit_s'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_named()
    {
        ChildLine parsed = ChildLine.Parse("w5-cold", "w5-cold fit_s=0,25");

        var error = Assert.Throws<FormatException>(() => parsed.Number("fit_s"));
        Assert.Contains("'0,25'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("w5-cold seed")]
    [InlineData("w5-cold =1")]
    [InlineData("w5-cold seed=1 seed=2")]
    public void A_malformed_pair_is_rejected(string line) =>
        Assert.Throws<FormatException>(() => ChildLine.Parse("w5-cold", line));

    [Theory]
    [InlineData("two words")]
    [InlineData("a=b")]
    [InlineData("")]
    public void A_value_the_line_could_not_carry_is_refused(string value) =>
        Assert.Throws<ArgumentException>(() => ChildLine.Format("w5-cold", [("key", value)]));
}
