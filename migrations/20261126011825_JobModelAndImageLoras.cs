using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CMLoRA.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class JobModelAndImageLoras : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ModelName",
                table: "GenerationJobs",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LoraIds",
                table: "GeneratedImages",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ModelName",
                table: "GeneratedImages",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ModelName",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "LoraIds",
                table: "GeneratedImages");

            migrationBuilder.DropColumn(
                name: "ModelName",
                table: "GeneratedImages");
        }
    }
}
