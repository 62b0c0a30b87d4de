// snn_uart: the core's configuration port over a UART (8 data bits, no
// parity, one stop bit, least significant bit first), and snn_top, the
// core with that port: a host programs it, runs it and reads it back over
// two wires (spec/fpga.md, "Configuration protocol"). CLKS is the clock
// cycles per bit (the clock frequency over the baud rate).
//
// The host sends a frame only after the previous run's done byte (0xd0)
// has come back: the core takes no configuration while it runs.
`default_nettype none
module snn_uart_rx #(parameter CLKS = 16) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,
    output reg  [7:0] data,
    output reg        valid,   // one cycle per byte received
    output reg        frame_error
);
    reg [1:0]  sync;           // rx through two flip-flops
    reg [15:0] count;
    reg [3:0]  bit_n;
    reg [7:0]  shift;
    reg        busy;
    always @(posedge clk) begin
        sync <= {sync[0], rx};
        valid <= 1'b0;
        if (rst) begin
            busy <= 1'b0;
            frame_error <= 1'b0;
            sync <= 2'b11;
        end else if (!busy) begin
            if (!sync[1]) begin // a start bit: sample mid-bit from here
                busy <= 1'b1;
                count <= CLKS / 2;
                bit_n <= 0;
            end
        end else if (count != 0)
            count <= count - 1;
        else begin
            count <= CLKS - 1;
            bit_n <= bit_n + 1;
            if (bit_n == 0) begin
                if (sync[1])
                    busy <= 1'b0; // a glitch, not a start bit
            end else if (bit_n <= 8)
                shift <= {sync[1], shift[7:1]};
            else begin
                busy <= 1'b0;
                if (sync[1]) begin
                    data <= shift;
                    valid <= 1'b1;
                end else
                    frame_error <= 1'b1;
            end
        end
    end
endmodule

module snn_uart_tx #(parameter CLKS = 16) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready,
    output reg        tx
);
    reg [15:0] count;
    reg [3:0]  bit_n;
    reg [9:0]  shift;
    reg        busy;
    assign ready = !busy;
    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            tx <= 1'b1;
        end else if (!busy) begin
            tx <= 1'b1;
            if (valid) begin
                shift <= {1'b1, data, 1'b0};
                busy <= 1'b1;
                count <= 0;
                bit_n <= 0;
            end
        end else if (count != 0)
            count <= count - 1;
        else begin
            tx <= shift[0];
            shift <= {1'b1, shift[9:1]};
            count <= CLKS - 1;
            bit_n <= bit_n + 1;
            if (bit_n == 10)
                busy <= 1'b0;
        end
    end
endmodule

// snn_top is snn_core with its configuration port on a UART. A byte
// received waits in a one-byte buffer until the core takes it.
module snn_top #(
    parameter N = 16, parameter NSRC = 32, parameter SW = 32, parameter PW = 8,
    parameter NSYN = 64, parameter SYNW = 32, parameter NROW = 64, parameter NCOL = 1, parameter NCIDX = 1,
    parameter NPROJ = 1, parameter L = 2, parameter ND = 1, parameter SLOTW = 16,
    parameter DLYW = 8, parameter CLKS = 16
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        uart_rx,
    output wire        uart_tx,
    input  wire [31:0] in_src,
    input  wire        in_end,
    input  wire        in_valid,
    output wire        in_ready,
    output wire [31:0] out_slot,
    output wire [31:0] out_step,
    output wire        out_valid,
    input  wire        out_ready,
    output wire        running,
    output wire        frame_error
);
    wire [7:0] rx_data, rd_data;
    wire       rx_valid, rd_valid, tx_ready, cfg_ready;
    reg  [7:0] held;
    reg        full;
    always @(posedge clk) begin
        if (rst)
            full <= 1'b0;
        else if (rx_valid) begin
            held <= rx_data;
            full <= 1'b1;
        end else if (full && cfg_ready)
            full <= 1'b0;
    end
    snn_uart_rx #(.CLKS(CLKS)) rx(.clk(clk), .rst(rst), .rx(uart_rx), .data(rx_data), .valid(rx_valid), .frame_error(frame_error));
    snn_uart_tx #(.CLKS(CLKS)) tx(.clk(clk), .rst(rst), .data(rd_data), .valid(rd_valid), .ready(tx_ready), .tx(uart_tx));
    snn_core #(.N(N), .NSRC(NSRC), .SW(SW), .PW(PW), .NSYN(NSYN), .SYNW(SYNW), .NROW(NROW), .NCOL(NCOL), .NCIDX(NCIDX),
               .NPROJ(NPROJ), .L(L), .ND(ND), .SLOTW(SLOTW), .DLYW(DLYW)) core (
        .clk(clk), .rst(rst),
        .cfg_data(held), .cfg_valid(full), .cfg_ready(cfg_ready),
        .rd_data(rd_data), .rd_valid(rd_valid), .rd_ready(tx_ready),
        .in_src(in_src), .in_end(in_end), .in_valid(in_valid), .in_ready(in_ready),
        .out_slot(out_slot), .out_step(out_step), .out_valid(out_valid), .out_ready(out_ready),
        .running(running));
endmodule
`default_nettype wire
