// snn_philox: Philox4x32-10, the counter-based generator of runtime/rng,
// one round per clock cycle (10 cycles per block). A dithered store draws
// its rounding offset from the block of counter (stream, step, element)
// under the key (the run's seed), as the interpreter does.
//
// Pulse start with the counter and key; done pulses one cycle after the
// tenth round with the block in out. start is ignored while busy.
`default_nettype none
module snn_philox (
    input  wire         clk,
    input  wire         rst,
    input  wire         start,
    input  wire [127:0] counter,  // word 0 in bits 31:0
    input  wire [63:0]  key,      // word 0 in bits 31:0
    output reg  [127:0] out,
    output reg          done,
    output wire         busy
);
    localparam [31:0] MUL0 = 32'hD2511F53, MUL1 = 32'hCD9E8D57;
    localparam [31:0] WEYL0 = 32'h9E3779B9, WEYL1 = 32'hBB67AE85;

    reg [31:0] c0, c1, c2, c3, k0, k1;
    reg [3:0]  round;
    reg        running;
    assign busy = running;

    wire [63:0] p0 = MUL0 * c0;
    wire [63:0] p1 = MUL1 * c2;

    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            running <= 1'b0;
            round <= 4'd0;
        end else if (!running) begin
            if (start) begin
                {c3, c2, c1, c0} <= counter;
                {k1, k0} <= key;
                round <= 4'd0;
                running <= 1'b1;
            end
        end else begin
            c0 <= p1[63:32] ^ c1 ^ k0;
            c1 <= p1[31:0];
            c2 <= p0[63:32] ^ c3 ^ k1;
            c3 <= p0[31:0];
            k0 <= k0 + WEYL0;
            k1 <= k1 + WEYL1;
            if (round == 4'd9) begin
                running <= 1'b0;
                done <= 1'b1;
                out <= {p0[31:0], p0[63:32] ^ c3 ^ k1, p1[31:0], p1[63:32] ^ c1 ^ k0};
            end
            round <= round + 4'd1;
        end
    end
endmodule
`default_nettype wire
