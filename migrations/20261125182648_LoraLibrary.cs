using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CMLoRA.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class LoraLibrary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Loras",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AutoV2 = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    AutoV3 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FileSize = table.Column<long>(type: "INTEGER", nullable: false),
                    ModuleCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BaseModel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OutputName = table.Column<string>(type: "TEXT", nullable: true),
                    Rank = table.Column<int>(type: "INTEGER", nullable: true),
                    Alpha = table.Column<double>(type: "REAL", nullable: true),
                    NetworkModule = table.Column<string>(type: "TEXT", nullable: true),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    TriggerWords = table.Column<string>(type: "TEXT", nullable: false),
                    SuggestedTriggerWords = table.Column<string>(type: "TEXT", nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    PreferredWeight = table.Column<double>(type: "REAL", nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    Notes = table.Column<string>(type: "TEXT", nullable: false),
                    MetadataJson = table.Column<string>(type: "TEXT", nullable: false),
                    PreviewFile = table.Column<string>(type: "TEXT", nullable: true),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Visibility = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedById = table.Column<string>(type: "TEXT", nullable: true),
                    UsageCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FrequencyScore = table.Column<double>(type: "REAL", nullable: true),
                    FrequencyGroup = table.Column<string>(type: "TEXT", nullable: true),
                    RadialSpectrumJson = table.Column<string>(type: "TEXT", nullable: true),
                    ProfiledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Loras", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Loras_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "LoraEdits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LoraId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OldValue = table.Column<string>(type: "TEXT", nullable: true),
                    NewValue = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoraEdits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LoraEdits_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_LoraEdits_Loras_LoraId",
                        column: x => x.LoraId,
                        principalTable: "Loras",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LoraEdits_LoraId_At",
                table: "LoraEdits",
                columns: new[] { "LoraId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_LoraEdits_UserId",
                table: "LoraEdits",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_BaseModel",
                table: "Loras",
                column: "BaseModel");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_Category",
                table: "Loras",
                column: "Category");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_CreatedAt",
                table: "Loras",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_Name",
                table: "Loras",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_OwnerId_Sha256",
                table: "Loras",
                columns: new[] { "OwnerId", "Sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Loras_Sha256",
                table: "Loras",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_UsageCount",
                table: "Loras",
                column: "UsageCount");

            migrationBuilder.CreateIndex(
                name: "IX_Loras_Visibility_OwnerId",
                table: "Loras",
                columns: new[] { "Visibility", "OwnerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LoraEdits");

            migrationBuilder.DropTable(
                name: "Loras");
        }
    }
}
